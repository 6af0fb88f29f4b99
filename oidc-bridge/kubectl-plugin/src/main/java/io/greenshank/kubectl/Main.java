package io.greenshank.kubectl;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code kubectl-greenshank}: a kubectl exec credential plugin and a small CLI around it. Only the ExecCredential
 * (and the {@code token}/{@code setup} documents a user asked for) go to stdout; everything human goes to stderr.
 */
public final class Main {
    static final int OK = 0;
    static final int NO_CREDENTIAL = 1;
    static final int USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        System.exit(run(Arrays.asList(args), System.getenv(), out, System.err));
    }

    static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        String command = args.isEmpty() || args.get(0).startsWith("--") ? "get-token" : args.get(0);
        List<String> rest = args.isEmpty() || args.get(0).startsWith("--") ? args : args.subList(1, args.size());
        try {
            Optional<ExecInfo> exec = ExecInfo.fromEnv(env);
            switch (command) {
                case "get-token": {
                    PluginOptions options = options(rest, exec, env);
                    boolean interactive = exec.map(ExecInfo::interactive).orElse(true) && Terminal.available();
                    IdToken token = new CredentialFlow(options, env, interactive, err).token();
                    out.println(ExecInfo.credential(exec.map(ExecInfo::apiVersion).orElse(ExecInfo.V1), token));
                    return OK;
                }
                case "token": {
                    PluginOptions options = options(rest, exec, env);
                    IdToken token = new CredentialFlow(options, env, Terminal.available(), err).token();
                    Map<String, Object> decoded = new java.util.LinkedHashMap<>();
                    decoded.put("header", token.header());
                    decoded.put("claims", token.claims());
                    out.println(Json.write(decoded, 2));
                    err.println("expires " + token.expiresAt());
                    return OK;
                }
                case "logout": {
                    PluginOptions options = options(rest, exec, env);
                    int removed = new CredentialFlow(options, env, false, err).logout();
                    err.println("greenshank: removed " + removed + " cached token(s) for " + options.issuer());
                    return OK;
                }
                case "setup": {
                    PluginOptions options = options(rest, exec, env);
                    out.print(Setup.render(options, caPem(options)));
                    return OK;
                }
                case "cds-classlist": {
                    // For the launcher: the classes a Kerberos login loads, to build the class-data archive from.
                    try (var in = Main.class.getResourceAsStream("/META-INF/greenshank/classlist")) {
                        if (in == null) {
                            return NO_CREDENTIAL;
                        }
                        in.transferTo(out);
                    }
                    out.flush();
                    return OK;
                }
                case "help":
                case "--help":
                case "-h":
                    out.print(usage());
                    return OK;
                default:
                    err.println("greenshank: unknown command " + command);
                    err.print(usage());
                    return USAGE;
            }
        } catch (PluginOptions.UsageException e) {
            err.println("greenshank: " + e.getMessage());
            err.print(usage());
            return USAGE;
        } catch (CredentialFlow.NoCredential e) {
            err.println("greenshank: " + e.getMessage());
            return NO_CREDENTIAL;
        } catch (IOException | RuntimeException e) {
            err.println("greenshank: " + e);
            return NO_CREDENTIAL;
        }
    }

    private static PluginOptions options(List<String> args, Optional<ExecInfo> exec, Map<String, String> env)
            throws PluginOptions.UsageException {
        return PluginOptions.parse(args, exec.map(ExecInfo::clusterConfig).orElse(Map.of()), env);
    }

    private static Optional<String> caPem(PluginOptions options) throws IOException {
        if (options.caFile().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Files.readString(options.caFile().get()));
    }

    static String usage() {
        return """
                usage: kubectl greenshank <command> --issuer https://bridge.example.com [flags]
                commands:
                  get-token   print an ExecCredential (what kubectl runs; the default)
                  token       print the current token's decoded claims
                  setup       print the kubeconfig users entry and the API server's OIDC settings
                  logout      remove this issuer's cached tokens
                flags:
                  --issuer URL                  the bridge's issuer (https)
                  --client-id ID                the bridge's client for kubectl (default: kubectl)
                  --certificate-authority FILE  PEM CA of the bridge's certificate
                  --service-principal NAME      the bridge's Kerberos principal (default: HTTP/<issuer host>)
                  --token-endpoint URL          skip discovery
                  --cache-dir DIR               token cache (default: $HOME/.kube/cache/greenshank)
                  --username NAME               default login name for the password fallback
                  --grant auto|device           auto: Kerberos, else a password prompt, else (no terminal) a
                                                device code; device: always a device code (URL and code on stderr)
                """;
    }
}
