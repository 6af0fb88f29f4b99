package io.greenshank.profiles.sharing;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greenshank.profiles.cache.SubjectKeys;
import io.greenshank.profiles.crd.Profile;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the KFAM JSON bodies the central dashboard (or anyone with a token) posts: bindings for
 * {@code POST/DELETE /kfam/v1/bindings} and profiles for {@code POST /kfam/v1/profiles}. Jackson is configured as
 * Quarkus configures it (unknown properties ignored). Input: the first byte picks the body (even: Binding; odd:
 * Profile). Properties: a body is read or refused with a Jackson exception (the 400 JAX-RS answers), never
 * another exception; a Binding is a contributor or a 400 {@link SharingException}; an accepted contributor is a
 * User or Group with a non-blank name and the edit or view role (admin is never granted through the API), and the
 * RoleBinding and policy name made for it is a valid Kubernetes object name.
 */
class KfamBodyFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final SubjectKeys KEYS = new SubjectKeys(true);
    private static final ContributorNames NAMES = new ContributorNames(KEYS);

    @FuzzTest(maxDuration = "5m")
    void body(byte[] input) {
        if (input.length == 0) {
            return;
        }
        String body = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
        if ((input[0] & 1) == 1) {
            try {
                JSON.readValue(body, Profile.class);
            } catch (JacksonException e) {
                return;
            }
            return;
        }
        Binding binding;
        try {
            binding = JSON.readValue(body, Binding.class);
        } catch (JacksonException e) {
            return;
        }
        SharingService.Contributor c;
        try {
            c = SharingService.validate(binding, KEYS);
        } catch (SharingException e) {
            assertThat(e.status()).isEqualTo(400);
            return;
        }
        assertThat(c.subject().getKind()).isIn("User", "Group");
        assertThat(c.subject().getName()).isNotBlank();
        assertThat(c.role()).isIn(ContributorRole.EDIT, ContributorRole.VIEW);
        String name = NAMES.name(c.subject(), c.role());
        assertThat(name).hasSizeLessThanOrEqualTo(253).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    }
}
