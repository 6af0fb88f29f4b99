package io.greenshank.e2e;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * One service's samples after the warm-up, split in thirds by time: the first third is the baseline, the last third
 * must not have grown past it (old generation after GC: by more than a fraction; threads, descriptors and
 * connections: past the first third's maximum plus a slack).
 */
record SoakTrend(String service, List<ProcessSampler.Sample> first, List<ProcessSampler.Sample> middle,
                 List<ProcessSampler.Sample> last, List<ProcessSampler.Sample> all) {

    static SoakTrend of(String service, List<ProcessSampler.Sample> samples, long fromMillis, long toMillis) {
        List<ProcessSampler.Sample> after = samples.stream()
                .filter(s -> s.service().equals(service) && s.atMillis() >= fromMillis).toList();
        long third = (toMillis - fromMillis) / 3;
        return new SoakTrend(service,
                after.stream().filter(s -> s.atMillis() < fromMillis + third).toList(),
                after.stream().filter(s -> s.atMillis() >= fromMillis + third && s.atMillis() < fromMillis + 2 * third)
                        .toList(),
                after.stream().filter(s -> s.atMillis() >= fromMillis + 2 * third).toList(),
                after);
    }

    double meanFirst(ToLongFunction<ProcessSampler.Sample> f) {
        return first.stream().mapToLong(f).average().orElse(Double.NaN);
    }

    double meanLast(ToLongFunction<ProcessSampler.Sample> f) {
        return last.stream().mapToLong(f).average().orElse(Double.NaN);
    }

    /** (last third's mean − first third's mean) / first third's mean. */
    double change(ToLongFunction<ProcessSampler.Sample> f) {
        return meanLast(f) / meanFirst(f) - 1;
    }

    long maxFirst(ToLongFunction<ProcessSampler.Sample> f) {
        return first.stream().mapToLong(f).max().orElse(Long.MIN_VALUE);
    }

    /** The largest value after the first third (the middle and last thirds). */
    long maxAfterFirst(ToLongFunction<ProcessSampler.Sample> f) {
        return java.util.stream.Stream.concat(middle.stream(), last.stream()).mapToLong(f).max()
                .orElse(Long.MIN_VALUE);
    }

    /** Least-squares slope over every sample after the warm-up, per minute. */
    double slopePerMinute(ToLongFunction<ProcessSampler.Sample> f) {
        int n = all.size();
        if (n < 2) {
            return Double.NaN;
        }
        double mx = all.stream().mapToDouble(s -> s.atMillis() / 60_000.0).average().orElseThrow();
        double my = all.stream().mapToDouble(f::applyAsLong).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        for (ProcessSampler.Sample s : all) {
            double dx = s.atMillis() / 60_000.0 - mx;
            sxy += dx * (f.applyAsLong(s) - my);
            sxx += dx * dx;
        }
        return sxy / sxx;
    }
}
