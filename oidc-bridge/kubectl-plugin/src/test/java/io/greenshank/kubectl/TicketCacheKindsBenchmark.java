package io.greenshank.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenshank.kubectl.testing.PluginInstall;
import io.greenshank.kubectl.testing.PluginPeers;
import io.greenshank.testing.kerberos.MitKdc;
import io.greenshank.testing.kerberos.SssdKcm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What each kind of ticket cache costs the plugin as kubectl runs it: wall time of the launcher with a cached token
 * (the path every kubectl call takes) and cold (ticket cache → SPNEGO → token exchange), for a FILE cache, a DIR
 * collection and a KCM cache (through the system GSS-API), against the floor of the same launcher running
 * {@code help}. Rounds interleave the rows, so load on the machine falls on all of them alike.
 */
@Tag("benchmark")
class TicketCacheKindsBenchmark {
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 15);
    private static final int WARMUP = Integer.getInteger("bench.warmup", 3);

    @Test
    void cachedAndColdRunsPerKindOfTicketCache() throws Exception {
        try (SssdKcm kcm = SssdKcm.start(); PluginPeers peers = PluginPeers.start("greenshank-ccache-bench-")) {
            MitKdc kdc = peers.kdc();
            kdc.addUser("bench", "bench-pw-1");
            Path work = peers.work();
            PluginInstall plugin = peers.plugin();
            peers.bridge().tokenLifetimeSeconds = 3600;
            List<String> args = List.of("get-token", "--issuer", peers.bridge().issuer(), "--certificate-authority",
                    peers.tls().caPem().toString());
            Map<String, Map<String, String>> kinds = new LinkedHashMap<>();
            kinds.put("FILE", Map.of("KRB5CCNAME", "FILE:" + kdc.kinit("bench", "bench-pw-1")));
            kinds.put("DIR", Map.of("KRB5CCNAME", "DIR:" + work.resolve("collection")));
            kinds.put("KCM", Map.of("KRB5CCNAME", "KCM:",
                    "KRB5_CONFIG", kcm.krb5Conf(kdc.krb5Conf()).toString()));
            for (Map<String, String> kind : kinds.values()) {
                if (!kind.get("KRB5CCNAME").startsWith("FILE:")) {
                    kdc.kinit(kind, "bench", "bench-pw-1");
                }
            }
            Map<String, List<Long>> micros = new LinkedHashMap<>();
            for (int round = 0; round < WARMUP + ROUNDS; round++) {
                record(micros, "floor: help", round, plugin.run(List.of("help"), Map.of()));
                for (Map.Entry<String, Map<String, String>> kind : kinds.entrySet()) {
                    Map<String, String> env = new HashMap<>(kdc.env(null));
                    env.putAll(kind.getValue());
                    env.put("KUBERNETES_EXEC_INFO", "{\"kind\":\"ExecCredential\",\"apiVersion\":\"" + ExecInfo.V1
                            + "\",\"spec\":{\"interactive\":false}}");
                    env.put("GREENSHANK_CACHE_DIR", work.resolve("tokens-" + kind.getKey() + "-" + round).toString());
                    record(micros, kind.getKey() + " cold", round, plugin.run(args, env));
                    record(micros, kind.getKey() + " cached", round, plugin.run(args, env));
                }
            }
            long floor = median(micros.get("floor: help"));
            StringBuilder table = new StringBuilder("| Run | p50 | p90 | Ratio (p50) |\n| --- | ---: | ---: | ---: |\n");
            micros.forEach((name, values) -> table.append(String.format("| %s | %d ms | %d ms | %.2f × |%n", name,
                    median(values) / 1000, percentile(values, 0.9) / 1000, median(values) / (double) floor)));
            System.out.println("BENCH ticket cache kinds (" + ROUNDS + " rounds after " + WARMUP + "):\n" + table);
            Path out = Path.of("target", "benchmarks");
            Files.createDirectories(out);
            Files.writeString(out.resolve("ticket-cache-kinds.txt"), table);
        }
    }

    private static void record(Map<String, List<Long>> micros, String row, int round, PluginInstall.Result result) {
        assertThat(result.exitCode()).as("%s: %s", row, result.stderr()).isZero();
        if (round >= WARMUP) {
            micros.computeIfAbsent(row, k -> new ArrayList<>()).add(result.micros());
        }
    }

    private static long median(List<Long> values) {
        return percentile(values, 0.5);
    }

    private static long percentile(List<Long> values, double p) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
    }
}
