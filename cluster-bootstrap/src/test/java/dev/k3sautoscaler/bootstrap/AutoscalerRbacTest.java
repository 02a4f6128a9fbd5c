package dev.k3sautoscaler.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.k3sautoscaler.bootstrap.AutoscalerRbac.Grant;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The grant computation the RBAC policy check relies on, on hand-written fixtures. */
class AutoscalerRbacTest {

    @Test
    void grantsOf_collectsClusterRoleAndRoleRules_boundToTheAccount() {
        // GIVEN the documented permissions split over a ClusterRole and a namespaced Role
        var objects = Manifests.parse(List.of(fixture("rbac/documented.yaml")));

        // WHEN
        Set<Grant> grants = AutoscalerRbac.grantsOf(objects, "kube-system", "k3s-autoscaler");

        // THEN
        assertEquals(new TreeSet<>(AutoscalerRbac.DOCUMENTED), grants);
    }

    @Test
    void grantsOf_seesAnExtraVerb_andIgnoresOtherAccounts() {
        // GIVEN pods "delete" granted on top, and a role bound to another account
        var objects = Manifests.parse(List.of(fixture("rbac/extra-verb.yaml")));

        // WHEN
        Set<Grant> grants = AutoscalerRbac.grantsOf(objects, "kube-system", "k3s-autoscaler");

        // THEN
        assertEquals(new TreeSet<>(Set.of(new Grant("", "pods", "list"), new Grant("", "pods", "delete"))), grants);
    }

    @Test
    void grantsOf_failsOnABindingToARoleThatIsNotThere() {
        var objects = Manifests.parse(List.of(fixture("rbac/dangling-binding.yaml")));

        assertThrows(AssertionError.class, () -> AutoscalerRbac.grantsOf(objects, "kube-system", "k3s-autoscaler"));
    }

    private static Path fixture(String name) {
        try {
            return Path.of(AutoscalerRbacTest.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
