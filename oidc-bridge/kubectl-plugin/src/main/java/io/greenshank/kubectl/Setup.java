package io.greenshank.kubectl;

import java.util.Optional;

/** The configuration a cluster admin and a user need to use the bridge with kubectl, as text to paste. */
final class Setup {
    private Setup() {
    }

    static String render(PluginOptions o, Optional<String> caPem) {
        String issuer = o.issuer().toString();
        StringBuilder args = new StringBuilder("        - get-token\n        - --issuer=" + issuer + "\n"
                + "        - --client-id=" + o.clientId() + "\n");
        o.caFile().ifPresent(ca -> args.append("        - --certificate-authority=").append(ca.toAbsolutePath())
                .append('\n'));
        o.servicePrincipal().ifPresent(sp -> args.append("        - --service-principal=").append(sp).append('\n'));
        String caBlock = caPem.map(pem -> "    certificateAuthority: |\n"
                + indent(pem.strip(), "      ") + "\n").orElse("");
        return "# 1. kubeconfig (user): add this user and point your context at it\n"
                + "users:\n"
                + "- name: greenshank\n"
                + "  user:\n"
                + "    exec:\n"
                + "      apiVersion: client.authentication.k8s.io/v1\n"
                + "      command: kubectl-greenshank\n"
                + "      args:\n" + args
                + "      interactiveMode: IfAvailable\n"
                + "      provideClusterInfo: false\n"
                + "\n"
                + "# 2a. kube-apiserver flags (cluster admin)\n"
                + "--oidc-issuer-url=" + issuer + "\n"
                + "--oidc-client-id=" + o.clientId() + "\n"
                + "--oidc-username-claim=email\n"
                + "--oidc-groups-claim=groups\n"
                + (o.caFile().isPresent() ? "--oidc-ca-file=/etc/kubernetes/pki/greenshank-ca.pem\n" : "")
                + "\n"
                + "# 2b. or, Kubernetes 1.30+: --authentication-config=<file> with\n"
                + "apiVersion: apiserver.config.k8s.io/v1beta1\n"
                + "kind: AuthenticationConfiguration\n"
                + "jwt:\n"
                + "- issuer:\n"
                + "    url: " + issuer + "\n"
                + "    audiences:\n"
                + "    - " + o.clientId() + "\n"
                + caBlock
                + "  claimMappings:\n"
                + "    username:\n"
                + "      claim: email\n"
                + "      prefix: \"\"\n"
                + "    groups:\n"
                + "      claim: groups\n"
                + "      prefix: \"\"\n";
    }

    private static String indent(String text, String prefix) {
        return prefix + text.replace("\n", "\n" + prefix);
    }
}
