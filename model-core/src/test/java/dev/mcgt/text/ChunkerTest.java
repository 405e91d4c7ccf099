package dev.mcgt.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcgt.McgtException;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Chunking of long id sequences, with and without a [CLS]/[SEP] frame and overlap. */
class ChunkerTest {
    private static final int CLS = 101;
    private static final int SEP = 102;

    private static int[] range(int n) {
        return IntStream.range(1000, 1000 + n).toArray();
    }

    @Test
    void framedChunksWithoutOverlapCoverTheSequenceOnce() {
        Chunker c = Chunker.bert(6, 0, CLS, SEP);
        assertThat(c.body()).isEqualTo(4);
        List<Chunker.Chunk> chunks = c.split(range(10));
        assertThat(chunks).extracting(Chunker.Chunk::contentStart).containsExactly(0, 4, 8);
        assertThat(chunks).extracting(Chunker.Chunk::contentEnd).containsExactly(4, 8, 10);
        assertThat(chunks.get(0).ids()).containsExactly(CLS, 1000, 1001, 1002, 1003, SEP);
        assertThat(chunks.get(2).ids()).containsExactly(CLS, 1008, 1009, SEP);
        assertThat(c.chunkCount(10)).isEqualTo(3);
    }

    @Test
    void overlapRepeatsTheTailOfThePreviousChunk() {
        Chunker c = Chunker.bert(6, 2, CLS, SEP);
        List<Chunker.Chunk> chunks = c.split(range(9));
        assertThat(chunks).extracting(Chunker.Chunk::contentStart).containsExactly(0, 2, 4, 6);
        assertThat(chunks.get(1).ids()).containsExactly(CLS, 1002, 1003, 1004, 1005, SEP);
        assertThat(chunks.get(3).ids()).containsExactly(CLS, 1006, 1007, 1008, SEP);
        assertThat(chunks).allSatisfy(k -> assertThat(k.length()).isLessThanOrEqualTo(6));
        for (int n = 0; n < 40; n++) {
            assertThat(c.split(range(n))).as("n=" + n).hasSize(c.chunkCount(n));
        }
    }

    @Test
    void plainChunksHaveNoFrame() {
        Chunker c = Chunker.plain(4, 1);
        List<Chunker.Chunk> chunks = c.split(range(7));
        assertThat(chunks).extracting(Chunker.Chunk::ids)
                .containsExactly(new int[] {1000, 1001, 1002, 1003}, new int[] {1003, 1004, 1005, 1006});
        assertThat(c.split(new int[0])).isEmpty();
        assertThat(c.chunkCount(0)).isZero();
    }

    @Test
    void shortAndEmptySequencesGiveOneFramedChunk() {
        Chunker c = Chunker.bert(128, 16, CLS, SEP);
        assertThat(c.split(new int[0])).containsExactly(new Chunker.Chunk(new int[] {CLS, SEP}, 0, 0));
        assertThat(c.split(range(126))).hasSize(1);
        assertThat(c.split(range(127))).hasSize(2);
    }

    @Test
    void rejectsSizesThatLeaveNoRoom() {
        assertThatThrownBy(() -> Chunker.bert(2, 0, CLS, SEP)).isInstanceOf(McgtException.class)
                .hasMessage("Bad configuration: seqLenMax 2 leaves no room for content next to 2 special tokens");
        assertThatThrownBy(() -> Chunker.bert(6, 4, CLS, SEP)).isInstanceOf(McgtException.class)
                .hasMessage("Bad configuration: chunk overlap must be in [0, 3], got 4");
        assertThatThrownBy(() -> Chunker.plain(4, -1)).isInstanceOf(McgtException.class);
    }
}
