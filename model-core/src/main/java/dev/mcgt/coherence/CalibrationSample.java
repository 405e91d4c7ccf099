package dev.mcgt.coherence;

import dev.mcgt.McgtException;
import java.util.ArrayList;
import java.util.List;

/**
 * The calibration sample: the chunks of each document (stream), in order. The first chunk of each stream is the
 * stream's first (fresh state: always fires, spike rate 0, nothing cached).
 */
public record CalibrationSample(List<List<CalibrationChunk>> streams) {

    /** Copies the lists; every stream needs at least one chunk. */
    public CalibrationSample {
        if (streams == null) throw McgtException.badInput("calibration sample is missing");
        List<List<CalibrationChunk>> copy = new ArrayList<>(streams.size());
        for (List<CalibrationChunk> s : streams) {
            if (s == null || s.isEmpty()) throw McgtException.badInput("calibration sample: a stream has no chunks");
            copy.add(List.copyOf(s));
        }
        streams = List.copyOf(copy);
    }

    /** Number of chunks over all streams. */
    public int chunks() {
        int n = 0;
        for (List<CalibrationChunk> s : streams) n += s.size();
        return n;
    }
}
