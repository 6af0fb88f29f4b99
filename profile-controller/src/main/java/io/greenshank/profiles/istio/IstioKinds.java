package io.greenshank.profiles.istio;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** The Istio kinds the controller writes, handled as generic resources so no Istio model library is needed. */
public final class IstioKinds {

    public static final String KIND_AUTHORIZATION_POLICY = "AuthorizationPolicy";
    public static final String KIND_SERVICE_ROLE = "ServiceRole";
    public static final String KIND_SERVICE_ROLE_BINDING = "ServiceRoleBinding";

    public static final ResourceDefinitionContext SERVICE_ROLE = new ResourceDefinitionContext.Builder()
            .withGroup("rbac.istio.io").withVersion("v1alpha1").withKind(KIND_SERVICE_ROLE)
            .withPlural("serviceroles").withNamespaced(true).build();

    public static final ResourceDefinitionContext SERVICE_ROLE_BINDING = new ResourceDefinitionContext.Builder()
            .withGroup("rbac.istio.io").withVersion("v1alpha1").withKind(KIND_SERVICE_ROLE_BINDING)
            .withPlural("servicerolebindings").withNamespaced(true).build();

    private IstioKinds() {
    }

    public static ResourceDefinitionContext authorizationPolicy(String version) {
        return new ResourceDefinitionContext.Builder()
                .withGroup("security.istio.io").withVersion(version).withKind(KIND_AUTHORIZATION_POLICY)
                .withPlural("authorizationpolicies").withNamespaced(true).build();
    }
}
