package io.greenshank.authz.explain;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.greenshank.authz.decision.PublicPaths;
import io.greenshank.authz.path.PathNormalization;
import io.greenshank.authz.path.PathNormalizer;
import io.greenshank.authz.policy.Destination;
import io.greenshank.authz.policy.PolicySet;
import io.greenshank.authz.policy.source.DirectoryPolicySource;
import io.greenshank.authz.policy.source.PolicyStore;
import io.greenshank.authz.route.RouteTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code greenshank-explain --policies <dir> [--policies <dir>]... [--routes <file>] [--root-namespace ns]
 * [--normalization BASE|MERGE_SLASHES|DECODE_AND_MERGE_SLASHES] [--public-paths /healthz,/readyz]
 * [--no-require-authentication] [--authenticate-peers] [--json] <request.json | ->}: prints the decision for the
 * request (see {@link ExplainRequest}), the response the Check would get (status and kind of refusal) and the trace
 * of every policy considered. The authentication flags mirror {@code greenshank.authz.public-paths},
 * {@code greenshank.policy.require-authentication} and {@code greenshank.authz.mesh.authenticate-peers} (defaults as
 * the service's). Exit status 0 for allow, 3 for deny, 1 for usage or input errors.
 */
public final class ExplainCommand {

    private ExplainCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        String root = "istio-system";
        PathNormalization mode = PathNormalization.BASE;
        boolean json = false;
        boolean requireAuthentication = true;
        boolean authenticatePeers = false;
        java.util.List<String> publicPaths = java.util.List.of("/healthz", "/readyz");
        Path routes = null;
        String requestArg = null;
        java.util.List<Path> dirs = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--policies" -> dirs.add(Path.of(args[++i]));
                    case "--routes" -> routes = Path.of(args[++i]);
                    case "--root-namespace" -> root = args[++i];
                    case "--normalization" -> mode = PathNormalization.valueOf(args[++i]);
                    case "--json" -> json = true;
                    case "--public-paths" -> publicPaths = java.util.List.of(args[++i].split(","));
                    case "--no-require-authentication" -> requireAuthentication = false;
                    case "--authenticate-peers" -> authenticatePeers = true;
                    default -> requestArg = args[i];
                }
            }
        } catch (RuntimeException e) {
            err.println("bad arguments: " + e.getMessage());
            return 1;
        }
        if (requestArg == null) {
            err.println("usage: greenshank-explain --policies <dir> [--routes <file>] [--public-paths <p,...>]"
                    + " [--no-require-authentication] [--authenticate-peers] [--json] <request.json | ->");
            return 1;
        }
        ObjectMapper mapper = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
                .enable(SerializationFeature.INDENT_OUTPUT);
        ExplainRequest request;
        RouteTable table;
        try {
            String body = requestArg.equals("-") ? new String(stdin.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(requestArg));
            request = mapper.readValue(body, ExplainRequest.class);
            table = routes == null ? RouteTable.empty() : RouteTable.parseYaml(Files.readString(routes));
        } catch (IOException | RuntimeException e) {
            err.println("cannot read input: " + e.getMessage());
            return 1;
        }
        PolicyStore store = new PolicyStore(root, "cluster.local");
        for (Path d : dirs) {
            new DirectoryPolicySource(d, store).scan();
        }
        PolicySet set = store.current();
        set.rejections().forEach(r -> err.println("warning: " + r));
        Explanation e = new Explainer(set, table, new PathNormalizer(mode), Destination.of("default", Map.of()),
                new Explainer.Baseline(requireAuthentication, new PublicPaths(publicPaths), authenticatePeers))
                .explain(request);
        if (json) {
            try {
                out.println(mapper.writeValueAsString(e));
            } catch (IOException ex) {
                err.println(ex.getMessage());
                return 1;
            }
        } else {
            out.print(e.render());
        }
        return e.status() == 200 ? 0 : 3;
    }
}
