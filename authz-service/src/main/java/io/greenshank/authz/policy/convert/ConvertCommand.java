package io.greenshank.authz.policy.convert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.greenshank.authz.policy.legacy.ClusterRbacConfig;
import io.greenshank.authz.policy.legacy.ServiceRole;
import io.greenshank.authz.policy.legacy.ServiceRoleBinding;
import io.greenshank.authz.policy.source.PolicyDocuments;
import io.greenshank.authz.policy.source.PolicyEntry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code greenshank-convert [--root-namespace ns] [--cluster-domain d] [--service-selector svc-fqdn=k=v[,k=v]]...
 * file...}: prints the AuthorizationPolicies equivalent to the legacy resources in the files on stdout, and on
 * stderr what could not be converted. Exit status 0 when everything converted, 2 when something did not, 1 on usage
 * or I/O errors.
 */
public final class ConvertCommand {

    private ConvertCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String root = "istio-system";
        String domain = "cluster.local";
        Map<String, Map<String, String>> selectors = new HashMap<>();
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root-namespace" -> root = args[++i];
                case "--cluster-domain" -> domain = args[++i];
                case "--service-selector" -> {
                    String v = args[++i];
                    int eq = v.indexOf('=');
                    if (eq < 0) {
                        err.println("--service-selector takes <service-fqdn>=<label>=<value>[,<label>=<value>]");
                        return 1;
                    }
                    Map<String, String> labels = new LinkedHashMap<>();
                    for (String kv : v.substring(eq + 1).split(",")) {
                        String[] p = kv.split("=", 2);
                        if (p.length != 2) {
                            err.println("bad label in --service-selector: " + kv);
                            return 1;
                        }
                        labels.put(p[0], p[1]);
                    }
                    selectors.put(v.substring(0, eq), labels);
                }
                default -> files.add(Path.of(args[i]));
            }
        }
        if (files.isEmpty()) {
            err.println("usage: greenshank-convert [--root-namespace ns] [--service-selector svc=k=v] file.yaml...");
            return 1;
        }
        PolicyDocuments docs = new PolicyDocuments(root);
        ClusterRbacConfig config = null;
        List<ServiceRole> roles = new ArrayList<>();
        List<ServiceRoleBinding> bindings = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (Path f : files) {
            String text;
            try {
                text = Files.readString(f, StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println("cannot read " + f + ": " + e.getMessage());
                return 1;
            }
            for (PolicyEntry e : docs.parseYaml(text, f.toString())) {
                if (e instanceof PolicyEntry.RbacConfig c) {
                    config = c.config();
                } else if (e instanceof PolicyEntry.Role r) {
                    roles.add(r.role());
                } else if (e instanceof PolicyEntry.Binding b) {
                    bindings.add(b.binding());
                } else if (e instanceof PolicyEntry.Rejected r) {
                    unreadable.add(r.rejection().kind() + " " + r.rejection().policy() + " (" + r.rejection().source()
                            + "): unreadable, not converted: " + r.rejection().reason());
                }
            }
        }
        ConversionResult result = new LegacyConverter(root, domain, selectors).convert(config, roles, bindings);
        try {
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
            for (Map<String, Object> p : result.policies()) {
                out.println("---");
                out.print(yaml.writeValueAsString(p));
            }
        } catch (IOException e) {
            err.println("cannot write YAML: " + e.getMessage());
            return 1;
        }
        for (String n : result.notes()) {
            err.println("note: " + n);
        }
        List<String> problems = new ArrayList<>(unreadable);
        problems.addAll(result.notConverted());
        for (String p : problems) {
            err.println("NOT CONVERTED: " + p);
        }
        return problems.isEmpty() ? 0 : 2;
    }
}
