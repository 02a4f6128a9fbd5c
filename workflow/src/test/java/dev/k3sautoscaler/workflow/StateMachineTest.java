package dev.k3sautoscaler.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Listing every state of a definition, the ones inside Map states included. */
class StateMachineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NESTED = """
            {"StartAt": "Prepare", "States": {
              "Prepare": {"Type": "Pass", "Next": "Groups"},
              "Groups": {"Type": "Map", "Next": "Done", "ItemProcessor": {"StartAt": "Items", "States": {
                "Items": {"Type": "Map", "Next": "Done", "Iterator": {"StartAt": "Work", "States": {
                  "Work": {"Type": "Task", "Resource": "${InnerArn}", "End": true}}}},
                "Done": {"Type": "Task", "Resource": "${MiddleArn}", "End": true}}}},
              "Done": {"Type": "Task", "Resource": "${OuterArn}", "End": true}
            }}""";

    @Test
    void allStates_listsNestedStates_afterTheirMap_withTheirPath() throws IOException {
        // GIVEN a definition not loaded (its substitutions still in it), with a Map in a Map and a name used at every level
        JsonNode definition = JSON.readTree(NESTED);

        // WHEN
        List<StateMachine.StateEntry> states = StateMachine.allStates(definition);

        // THEN every state is there once, in document order, with the Maps around it
        assertEquals(List.of("Prepare", "Groups", "Groups/Items", "Groups/Items/Work", "Groups/Done", "Done"),
                states.stream().map(StateMachine.StateEntry::path).toList());
        assertEquals(List.of("Groups", "Items"), states.get(3).maps());
        assertEquals("Work", states.get(3).name());
        assertEquals("${InnerArn}", states.get(3).state().get("Resource").asText());
        // the nodes are the definition's own, so a walker can change them in place
        assertSame(definition.at("/States/Groups/ItemProcessor/States/Items/Iterator/States/Work"), states.get(3).state());
    }

    @Test
    void aLoadedMachine_listsItsNestedTasks_andTheirResources() {
        StateMachine machine = StateMachine.load("nested", NESTED, Map.of("InnerArn", "arn:inner", "MiddleArn", "arn:middle",
                "OuterArn", "arn:outer"));

        List<StateMachine.StateEntry> states = machine.allStates();

        assertEquals(List.of("Groups/Items/Work", "Groups/Done", "Done"),
                states.stream().filter(state -> state.type().equals("Task")).map(StateMachine.StateEntry::path).toList());
        assertEquals(java.util.Set.of("arn:inner", "arn:middle", "arn:outer"), machine.taskResources());
        ((ObjectNode) states.getFirst().state()).put("Type", "Fail");
        assertEquals("Pass", machine.allStates().getFirst().type(), "the loaded definition cannot be changed through the list");
    }
}
