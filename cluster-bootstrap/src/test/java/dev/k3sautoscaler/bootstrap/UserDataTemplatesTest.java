package dev.k3sautoscaler.bootstrap;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The placeholder contract between the templates and the CDK stack (placeholders.json). */
class UserDataTemplatesTest {
    /** EC2 rejects user data larger than 16 KB (before base64). */
    private static final int EC2_USER_DATA_LIMIT_BYTES = 16 * 1024;

    private final UserDataTemplates templates = UserDataTemplates.load();

    @Test
    void placeholders_inTheTemplates_areExactlyThoseListed() {
        // GIVEN every role's template parts
        Set<String> used = new TreeSet<>();
        templates.roles().forEach(role -> used.addAll(UserDataTemplates.placeholdersIn(templates.template(role))));

        // THEN the listed set and the used set are the same
        assertEquals(new TreeSet<>(templates.placeholders().keySet()), used,
                "placeholders.json and the templates disagree");
    }

    @Test
    void usedBy_namesExactlyTheRolesWhoseTemplateHoldsThePlaceholder() {
        templates.placeholders().values().forEach(p -> {
            Set<String> roles = templates.roles().stream()
                    .filter(role -> templates.template(role).contains(p.name()))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(roles, p.usedBy(), p.name() + ".usedBy");
        });
    }

    @Test
    void everyPlaceholder_hasAMeaningAndASample() {
        assertAll(templates.placeholders().values().stream().map(p -> () -> {
            assertTrue(p.meaning() != null && !p.meaning().isBlank(), p.name() + " has no meaning");
            assertTrue(p.sample() != null && !p.sample().isBlank(), p.name() + " has no sample");
            assertFalse(UserDataTemplates.PLACEHOLDER.matcher(p.sample()).find(), p.name() + " sample is a placeholder");
        }));
    }

    @Test
    void bootTemplates_useExactlyTheVariablesPlaceholdersJsonDeclares_andNoPlaceholder() {
        assertFalse(templates.bootTemplates().isEmpty(), "no bootTemplates in placeholders.json");
        assertAll(templates.bootTemplates().entrySet().stream().map(file -> () -> {
            String text = BootstrapFiles.read(BootstrapFiles.ROOT.resolve(file.getKey()));
            assertEquals(file.getValue(), UserDataTemplates.bootVariablesIn(text), file.getKey());
            // The asset is uploaded as it is: a CDK placeholder there would never be filled.
            assertEquals(Set.of(), UserDataTemplates.placeholdersIn(text), file.getKey());
        }));
    }

    @Test
    void renderWithSamples_leavesNoPlaceholder_andFitsEc2UserData() {
        for (String role : templates.roles()) {
            // WHEN the CDK-style render runs with the sample values
            String userData = templates.renderWithSamples(role);

            // THEN nothing is left to fill, the shebang is line 1, and EC2 accepts the size
            assertEquals(Set.of(), UserDataTemplates.placeholdersIn(userData), role + ": placeholders left");
            assertTrue(userData.startsWith("#!/bin/bash\n"), role + ": the shebang must be the first line");
            int size = userData.getBytes(StandardCharsets.UTF_8).length;
            assertTrue(size < EC2_USER_DATA_LIMIT_BYTES, role + " user data is " + size + " bytes");
        }
    }

    @Test
    void workerUserData_joinsWithProviderIdAndTheLabelsTheAutoscalerReads() {
        String worker = templates.renderWithSamples("worker");

        assertAll(
                () -> assertTrue(worker.contains("PROVIDER_ID=\"aws:///$AVAILABILITY_ZONE/$INSTANCE_ID\"")),
                () -> assertTrue(worker.contains("- \"provider-id=$PROVIDER_ID\"")),
                () -> assertTrue(worker.contains("- \"k3s-autoscaler/managed=true\"")),
                () -> assertTrue(worker.contains("- \"k3s-autoscaler/capacity-type=$CAPACITY_TYPE\"")),
                () -> assertTrue(worker.contains("CAPACITY_TYPE=$(imds instance-life-cycle)")),
                () -> assertTrue(worker.contains("- \"topology.kubernetes.io/zone=$AVAILABILITY_ZONE\"")));
    }

    @Test
    void workerUserData_holdsNoSecret_andInstallsNothingFromAPackageRepository() {
        String worker = templates.renderWithSamples("worker");
        String commands = worker.lines().filter(line -> !line.strip().startsWith("#"))
                .collect(Collectors.joining("\n"));

        // The token arrives from SSM at boot; the user data only names the parameter.
        assertAll(
                () -> assertTrue(worker.contains("ssm_get \"$JOIN_TOKEN_PARAM\"")),
                () -> assertFalse(worker.contains("K10"), "a K3s secure token literal"),
                () -> assertFalse(commands.matches("(?s).*\\b(apt-get|apt|yum|dnf)\\s+(-y\\s+)?install\\b.*"),
                        "package installs at boot cost minutes of join time"));
    }

    @Test
    void masterUserData_neverLabelsItselfAsManaged() {
        // The autoscaler must never pick the master: it carries no managed label at all.
        assertFalse(templates.renderWithSamples("master").contains("k3s-autoscaler/managed"));
    }
}
