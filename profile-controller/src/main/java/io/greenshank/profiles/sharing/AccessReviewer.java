package io.greenshank.profiles.sharing;

import io.greenshank.identity.Identity;

/** Asks Kubernetes whether a person may do something (a SubjectAccessReview). */
public interface AccessReviewer {

    /**
     * @return true only when the API server answers {@code allowed}; any error is a refusal (fail closed)
     */
    boolean allowed(Identity who, String namespace, String verb, String group, String resource, String name);
}
