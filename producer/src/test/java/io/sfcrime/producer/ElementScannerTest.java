package io.sfcrime.producer;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ElementScannerTest {
    record Scanned(long index, long offset, long length, String text, boolean truncated, boolean spaced) {
    }

    static List<Scanned> scan(byte[] input, int cap) throws IOException {
        return scan(new ByteArrayInputStream(input), cap, new ElementScanner[1]);
    }

    static List<Scanned> scan(InputStream in, int cap, ElementScanner[] out) throws IOException {
        ElementScanner s = new ElementScanner(in, cap);
        out[0] = s;
        Element e = s.newElement();
        List<Scanned> result = new ArrayList<>();
        while (s.next(e)) {
            result.add(new Scanned(e.index, e.offset, e.length,
                    new String(e.bytes, 0, e.kept, StandardCharsets.UTF_8), e.truncated, e.spaced));
        }
        return result;
    }

    static List<Scanned> scan(String input) throws IOException {
        return scan(input.getBytes(StandardCharsets.UTF_8), 1 << 20);
    }

    static List<String> texts(List<Scanned> s) {
        return s.stream().map(Scanned::text).toList();
    }

    @Test
    void splitsArrayElementsAndKeepsBracesCommasAndEscapedQuotesInsideStrings() throws IOException {
        String a = "{\"crime_id\":\"1\",\"address\":\"{[,]} \\\"quoted, ]\\\" \\\\\"}";
        String b = "{\"n\":{\"x\":[1,2,{\"y\":\"}\"}]}}";
        List<Scanned> s = scan("[" + a + "," + b + "]");
        assertThat(texts(s)).containsExactly(a, b);
        assertThat(s).extracting(Scanned::index).containsExactly(0L, 1L);
        assertThat(s).noneMatch(Scanned::spaced);
    }

    @Test
    void offsetsAndLengthsPointAtTheElementBytesWithWhitespaceTrimmed() throws IOException {
        String input = "  [\n    {\"a\": \"x\"} ,\n\t{\"b\":2}\n]\n";
        byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
        List<Scanned> s = scan(bytes, 1 << 20);
        assertThat(texts(s)).containsExactly("{\"a\": \"x\"}", "{\"b\":2}");
        for (Scanned e : s) {
            assertThat(new String(Arrays.copyOfRange(bytes, (int) e.offset(), (int) (e.offset() + e.length())),
                    StandardCharsets.UTF_8)).isEqualTo(e.text());
        }
        assertThat(s.get(0).spaced()).isTrue();
        assertThat(s.get(1).spaced()).isFalse();
    }

    @Test
    void ndjsonSkipsBlankLinesAndTrimsCarriageReturns() throws IOException {
        ElementScanner[] sc = new ElementScanner[1];
        List<Scanned> s = scan(new ByteArrayInputStream(
                "{\"a\":1}\r\n\n   \n{\"b\":\"[\"}\n\n{\"c\":3}".getBytes(StandardCharsets.UTF_8)), 1000, sc);
        assertThat(sc[0].format()).isEqualTo(ElementScanner.Format.NDJSON);
        assertThat(texts(s)).containsExactly("{\"a\":1}", "{\"b\":\"[\"}", "{\"c\":3}");
        assertThat(s).extracting(Scanned::index).containsExactly(0L, 1L, 2L);
        assertThat(s).noneMatch(Scanned::truncated);
    }

    @Test
    void ndjsonLineCutInsideAStringAtEndOfInputIsTruncated() throws IOException {
        List<Scanned> s = scan("{\"a\":1}\n{\"b\":\"unfinished");
        assertThat(s).extracting(Scanned::truncated).containsExactly(false, true);
    }

    @Test
    void arrayCutInsideAnElementYieldsTheNeighboursAndATruncatedLastElement() throws IOException {
        ElementScanner[] sc = new ElementScanner[1];
        List<Scanned> s = scan(new ByteArrayInputStream("[{\"a\":1},{\"b\":2},{\"c\":\"x".getBytes(
                StandardCharsets.UTF_8)), 1000, sc);
        assertThat(texts(s)).containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":\"x");
        assertThat(s).extracting(Scanned::truncated).containsExactly(false, false, true);
        assertThat(sc[0].missingClose()).isTrue();
    }

    @Test
    void arrayMissingOnlyItsClosingBracketKeepsTheCompleteLastElement() throws IOException {
        ElementScanner[] sc = new ElementScanner[1];
        List<Scanned> s = scan(new ByteArrayInputStream("[{\"a\":1},\n{\"b\":2}\n".getBytes(
                StandardCharsets.UTF_8)), 1000, sc);
        assertThat(s).extracting(Scanned::truncated).containsExactly(false, false);
        assertThat(sc[0].missingClose()).isTrue();
    }

    @Test
    void emptyAndWhitespaceOnlyInputsHaveNoElements() throws IOException {
        for (String input : List.of("", "  \n\t ", "\uFEFF")) {
            ElementScanner[] sc = new ElementScanner[1];
            assertThat(scan(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), 100, sc)).isEmpty();
            assertThat(sc[0].format()).isEqualTo(ElementScanner.Format.EMPTY);
        }
        ElementScanner[] sc = new ElementScanner[1];
        assertThat(scan(new ByteArrayInputStream("[ ]".getBytes(StandardCharsets.UTF_8)), 100, sc)).isEmpty();
        assertThat(sc[0].format()).isEqualTo(ElementScanner.Format.ARRAY);
        assertThat(sc[0].missingClose()).isFalse();
    }

    @Test
    void byteOrderMarkIsSkippedAndNonAsciiTextKept() throws IOException {
        List<Scanned> s = scan("\uFEFF[{\"a\":\"é,]\"},{\"b\":1}]");
        assertThat(texts(s)).containsExactly("{\"a\":\"é,]\"}", "{\"b\":1}");
    }

    @Test
    void emptySlotsAndScalarsAreElementsOfTheirOwn() throws IOException {
        List<Scanned> s = scan("[{\"a\":1},,42,\"s,t\",]");
        assertThat(texts(s)).containsExactly("{\"a\":1}", "", "42", "\"s,t\"", "");
    }

    @Test
    void contentAfterTheClosingBracketIsReported() throws IOException {
        ElementScanner[] sc = new ElementScanner[1];
        scan(new ByteArrayInputStream("[{\"a\":1}] junk".getBytes(StandardCharsets.UTF_8)), 100, sc);
        assertThat(sc[0].trailingOffset()).isEqualTo(10);
    }

    @Test
    void elementLongerThanTheCapKeepsOnlyCapBytesAndTheNextElementIsFound() throws IOException {
        int big = 10 * 1024 * 1024;
        StringBuilder sb = new StringBuilder(big + 100).append("[{\"a\":1},{\"huge\":\"");
        sb.append("x".repeat(big)).append("\"},{\"c\":3}]");
        List<Scanned> s = scan(sb.toString().getBytes(StandardCharsets.US_ASCII), 1000);
        assertThat(s).hasSize(3);
        assertThat(s.get(1).length()).isEqualTo(big + 11); // {"huge":" is 9 bytes, "} is 2
        assertThat(s.get(1).text()).hasSize(1000).startsWith("{\"huge\":\"xxx");
        assertThat(s.get(2).text()).isEqualTo("{\"c\":3}");
    }

    @Test
    void elementsSpanningReadBufferBoundariesAreWhole() throws IOException {
        // One byte per read() call: every boundary falls inside an element somewhere.
        String input = "[{\"a\":\"b\\\"c\"}, {\"d\":[1,{\"e\":\"]\"}]}]";
        InputStream trickle = new InputStream() {
            final byte[] b = input.getBytes(StandardCharsets.UTF_8);
            int i;

            @Override
            public int read() {
                return i < b.length ? b[i++] & 0xff : -1;
            }

            @Override
            public int read(byte[] dst, int off, int len) {
                if (i >= b.length) {
                    return -1;
                }
                dst[off] = b[i++];
                return 1;
            }
        };
        assertThat(texts(scan(trickle, 100, new ElementScanner[1])))
                .containsExactly("{\"a\":\"b\\\"c\"}", "{\"d\":[1,{\"e\":\"]\"}]}");
    }
}
