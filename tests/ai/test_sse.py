"""The event-stream parser, whatever the read boundaries."""
from __future__ import annotations

from promptcraft.sse import SSEParser

STREAM = 'data: {"a": "héllo"}\n\n: keep-alive\n\nevent: delta\ndata: {"b": 1}\n\ndata: [DONE]\n\n'.encode()


def parse_in(pieces: list[bytes]):
    parser = SSEParser()
    out = []
    for piece in pieces:
        out += list(parser.feed(piece))
    return out, parser


def test_whole_stream_in_one_read():
    messages, parser = parse_in([STREAM])
    assert [(m.event, m.data, m.comment) for m in messages] == [
        (None, '{"a": "héllo"}', None), (None, None, "keep-alive"), ("delta", '{"b": 1}', None), (None, "[DONE]", None)]
    assert not parser.has_partial


def test_byte_by_byte_reads_split_utf8_and_events():
    messages, _ = parse_in([STREAM[i:i + 1] for i in range(len(STREAM))])
    assert [m.data for m in messages if m.data] == ['{"a": "héllo"}', '{"b": 1}', "[DONE]"]


def test_crlf_line_ends_and_multiline_data():
    messages, _ = parse_in([b"data: one\r\ndata: two\r\n\r\n"])
    assert messages[0].data == "one\ntwo"


def test_a_cut_off_event_is_reported_as_partial():
    _, parser = parse_in([b'data: {"unfinished"'])
    assert parser.has_partial
