package io.greenshank.profiles.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.greenshank.profiles.cache.SubjectKeys;
import org.junit.jupiter.api.Test;

class ContributorNamesTest {

    static Subject user(String name) {
        return new Subject("rbac.authorization.k8s.io", "User", name, null);
    }

    @Test
    void namesThatKfamWouldCollideStayApart() {
        ContributorNames names = new ContributorNames(new SubjectKeys(true));
        String a = names.name(user("a.b@x.com"), ContributorRole.EDIT);
        String b = names.name(user("a-b@x.com"), ContributorRole.EDIT);
        assertThat(a).isNotEqualTo(b).startsWith("user-a-b-x-com-clusterrole-edit-");
        assertThat(b).startsWith("user-a-b-x-com-clusterrole-edit-");
    }

    @Test
    void caseFoldingIsConfigurable() {
        assertThat(new ContributorNames(new SubjectKeys(true)).name(user("Bob@X.com"), ContributorRole.VIEW))
                .isEqualTo(new ContributorNames(new SubjectKeys(true)).name(user("bob@x.com"), ContributorRole.VIEW));
        assertThat(new ContributorNames(new SubjectKeys(false)).name(user("Bob@X.com"), ContributorRole.VIEW))
                .isNotEqualTo(new ContributorNames(new SubjectKeys(false)).name(user("bob@x.com"), ContributorRole.VIEW));
    }

    @Test
    void longNamesStayValidAndGroupsAreDistinctFromUsers() {
        ContributorNames names = new ContributorNames(new SubjectKeys(true));
        String n = names.name(user("a-very-long-name-that-goes-on-and-on-and-on-forever@some.long.example.com"), ContributorRole.EDIT);
        assertThat(n).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?").hasSizeLessThanOrEqualTo(253);
        assertThat(names.name(new Subject("rbac.authorization.k8s.io", "Group", "team", null), ContributorRole.EDIT))
                .isNotEqualTo(names.name(user("team"), ContributorRole.EDIT)).startsWith("group-team-");
    }
}
