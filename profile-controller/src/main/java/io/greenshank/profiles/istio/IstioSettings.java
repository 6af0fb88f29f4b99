package io.greenshank.profiles.istio;

import java.util.List;
import java.util.Objects;

/**
 * How owner and contributor policies identify a person.
 *
 * @param model                        which Istio kinds to write
 * @param authorizationPolicyVersion   {@code v1beta1} (what Kubeflow writes) or {@code v1}
 * @param userIdHeader                 the header the ingress gateway sets after authentication
 * @param userIdPrefix                 Kubeflow's {@code userid-prefix}, prepended to the user in header matches
 * @param groupsClaim                  the JWT claim that group contributors are matched on
 * @param gatewayPrincipals            the mesh principals trusted to set the header: Kubeflow's ingress gateway and
 *                                     Pipelines UI (which calls into a profile namespace for the user it serves)
 * @param notebookControllerPrincipals principals allowed to probe notebook kernels ({@code GET *}{@code /api/kernels})
 * @param probePaths                   paths Knative's probes reach without a user
 */
public record IstioSettings(
        IstioPolicyModel model,
        String authorizationPolicyVersion,
        String userIdHeader,
        String userIdPrefix,
        String groupsClaim,
        List<String> gatewayPrincipals,
        List<String> notebookControllerPrincipals,
        List<String> probePaths) {

    public static final String INGRESS_GATEWAY = "cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account";
    /** Kubeflow's profile controller allows it beside the gateway ({@code kfpUIPrincipal}). */
    public static final String PIPELINES_UI = "cluster.local/ns/kubeflow/sa/ml-pipeline-ui";

    public static final IstioSettings KUBEFLOW_DEFAULT = new IstioSettings(IstioPolicyModel.AUTHORIZATION_POLICY,
            "v1beta1", "kubeflow-userid", "", "groups",
            List.of(INGRESS_GATEWAY, PIPELINES_UI),
            List.of("cluster.local/ns/kubeflow/sa/notebook-controller-service-account"),
            List.of("/healthz", "/metrics", "/wait-for-drain"));

    public IstioSettings {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(authorizationPolicyVersion, "authorizationPolicyVersion");
        Objects.requireNonNull(userIdHeader, "userIdHeader");
        Objects.requireNonNull(userIdPrefix, "userIdPrefix");
        Objects.requireNonNull(groupsClaim, "groupsClaim");
        gatewayPrincipals = List.copyOf(gatewayPrincipals);
        notebookControllerPrincipals = List.copyOf(notebookControllerPrincipals);
        probePaths = List.copyOf(probePaths);
    }

    public IstioSettings withModel(IstioPolicyModel m) {
        return new IstioSettings(m, authorizationPolicyVersion, userIdHeader, userIdPrefix, groupsClaim,
                gatewayPrincipals, notebookControllerPrincipals, probePaths);
    }
}
