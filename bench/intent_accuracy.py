"""Intent accuracy on a held-out split of the bundled library.

The library is split deterministically (one prompt in five, by a hash of its id, is held out).
Only the other four fifths are imported; each held-out prompt is then classified as if a user
had typed it, and the predicted category is compared with the collection's own label. Two kinds
of request are measured: the prompt's title and description (a short description of a task), and
its text (the first 600 characters). Writes bench/results/intent.json.

Usage: .venv/bin/python bench/intent_accuracy.py
"""
from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from promptcraft import create_app  # noqa: E402
from promptcraft.orchestrator.intent import classify  # noqa: E402
from promptcraft.prompt_templates import transfer  # noqa: E402
from promptcraft.prompt_templates.seed import DATA_DIR, seed_categories  # noqa: E402


def held_out(row_id: str) -> bool:
    return int(hashlib.sha256(row_id.encode()).hexdigest(), 16) % 5 == 0


def main() -> None:
    rows = [json.loads(line) for line in (DATA_DIR / "prompts.jsonl").read_text(encoding="utf-8").split("\n")
            if line.strip()]
    train = [r for r in rows if not held_out(r["id"])]
    test = [r for r in rows if held_out(r["id"])]
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/intent.db", "LOG_LEVEL": "WARNING"})
        with app.app_context():
            upgrade()
            seed_categories()
            transfer.import_rows(enumerate(train, 1))
            report = {"train": len(train), "held_out": len(test), "requests": {}}
            for name, text_of in {"title_and_description": lambda r: f"{r['title']}. {r.get('description') or ''}",
                                  "prompt_text": lambda r: r["content"][:600]}.items():
                correct, top3, confusion = 0, 0, Counter()
                for row in test:
                    result = classify(text_of(row), None, use_model=False)
                    correct += result["category"] == row["category"]
                    top3 += row["category"] in [c["category"] for c in result["candidates"]]
                    if result["category"] != row["category"]:
                        confusion[(row["category"], result["category"])] += 1
                report["requests"][name] = {
                    "accuracy": round(correct / len(test), 3), "top3_accuracy": round(top3 / len(test), 3),
                    "most_confused": [f"{a} → {b}: {n}" for (a, b), n in confusion.most_common(5)]}
                print(f"{name:>22}: accuracy {correct / len(test):.1%}, top-3 {top3 / len(test):.1%} "
                      f"on {len(test)} held-out prompts")
    majority = Counter(r["category"] for r in train).most_common(1)[0]
    report["majority_baseline"] = round(sum(r["category"] == majority[0] for r in test) / len(test), 3)
    print(f"{'majority baseline':>22}: {report['majority_baseline']:.1%} (always '{majority[0]}')")
    out = ROOT / "bench" / "results" / "intent.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
