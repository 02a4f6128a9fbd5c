package dev.k3sautoscaler.fleet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.errors.RefusedToTerminate;
import dev.k3sautoscaler.runtime.LocalLambdaContext;
import dev.k3sautoscaler.testkit.TestWorld;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The join token lives in the launch template's user data (and, in AWS, in SSM, where the worker
 * reads it); the fleet never sends, returns or logs it. A sentinel token is planted in the launch
 * template and in the Lambda's environment, and every handler output, error, log line and EC2
 * request of a full launch / describe / terminate cycle is searched for it.
 */
class NoSecretsIT {
    private final FleetRig rig = new FleetRig();

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void noHandlerOutputLogOrEc2Request_containsTheJoinToken() {
        // GIVEN the sentinel token in the launch template and in the environment, and stdout captured
        List<String> seen = new ArrayList<>();
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(logs, true, StandardCharsets.UTF_8));
        try {
            // WHEN a launch, a describe, a terminate, a refused terminate and a launch that starts nothing run
            LocalLambdaContext context = LocalLambdaContext.forFunction("fleet");
            String launched = rig.launchHandler().invoke("{\"execution\":\"exec-s\",\"count\":2,\"reason\":\"pods\"," + rig.leaseJson() + "}", context);
            seen.add(launched);
            seen.add(rig.inventory().managed().toString());
            String id = rig.ec2.instances().getFirst().instanceId();
            seen.add(rig.terminateHandler().invoke("{\"execution\":\"exec-s\",\"instanceIds\":[\"" + id + "\"]," + rig.leaseJson() + "}", context));
            seen.add(assertThrows(RefusedToTerminate.class, () -> rig.terminateHandler()
                    .invoke("{\"execution\":\"exec-s2\",\"instanceIds\":[\"" + rig.master() + "\"]," + rig.leaseJson() + "}", context)).getMessage());
            rig.ec2.capacity("t3.small", TestWorld.AZ_A, "on-demand", 0).capacity("t3a.small", TestWorld.AZ_A, "on-demand", 0);
            rig.with(FleetSettings.WORKER_SUBNET_IDS, "subnet-a:" + TestWorld.AZ_A);
            String none = rig.launchHandler().invoke("{\"execution\":\"exec-s3\",\"count\":1," + rig.leaseJson() + "}", context);
            assertTrue(none.contains("\"outcome\":\"NONE\""), none);
            seen.add(none);
        } finally {
            System.setOut(original);
        }
        seen.add(logs.toString(StandardCharsets.UTF_8));
        rig.ec2.requests().forEach(request -> seen.add(request.params().toString()));

        // THEN the token appears nowhere, no request carries user data, and the logs did capture the steps
        seen.forEach(text -> assertFalse(text.contains(FleetRig.JOIN_TOKEN), "join token leaked into: " + text));
        assertTrue(rig.ec2.requests().stream().noneMatch(request -> request.params().containsKey("UserData")));
        // (and the capture worked: the search above would pass vacuously on empty logs)
        assertTrue(logs.toString(StandardCharsets.UTF_8).contains("launching 2 workers"), "logs were not captured");
    }
}
