package dev.k3sautoscaler.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ASL path semantics the state machines rely on (Choice IsPresent / IsNull, ResultPath). */
class PathsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{1} in {0} → present: {2}")
    @CsvSource(delimiter = '|', value = {
            "{\"a\":[]}            | $.a[0]      | false",
            "{\"a\":[null]}        | $.a[0]      | true",
            "{\"a\":[1,2]}         | $.a[1]      | true",
            "{\"a\":[1,2]}         | $.a[2]      | false",
            "{\"b\":null}          | $.b         | true",
            "{\"b\":1}             | $.c         | false",
            "{\"b\":{\"c\":1}}     | $.b.c.d     | false",
            "{\"b\":[{\"x\":1}]}   | $.b[0].x    | true",
            "{\"b\":[{\"x\":1}]}   | $.b[*].x    | true",
            "{\"a\":1}             | $.a.        | false",
            "{\"a\":1}             | $$.a        | false"})
    void isPresent(String json, String path, boolean present) throws Exception {
        JsonNode input = JSON.readTree(json);

        assertEquals(present, Paths.isPresent(path, input, JSON.createObjectNode()));
    }

    @ParameterizedTest(name = "{1} in {0} = {2}")
    @CsvSource(delimiter = '|', value = {
            "{\"a\":[null]}                       | $.a[0]            | null",
            "{\"l\":[{\"i\":\"x\"},{\"i\":\"y\"}]} | $.l[*].i          | [\"x\",\"y\"]",
            "{\"l\":[{\"i\":\"x\"}]}               | $.l[0]            | {\"i\":\"x\"}",
            "{\"m\":{\"k-1\":2}}                   | $.m['k-1']        | 2"})
    void read(String json, String path, String expected) throws Exception {
        assertEquals(JSON.readTree(expected), Paths.read(path, JSON.readTree(json), JSON.createObjectNode()));
    }

    @ParameterizedTest(name = "write {1} into {0}")
    @CsvSource(delimiter = '|', value = {
            "{\"a\":1}       | $.b.c   | {\"a\":1,\"b\":{\"c\":true}}",
            "{\"a\":1}       | $       | true",
            "{\"a\":{\"x\":1}} | $.a     | {\"a\":true}"})
    void writeCreatesTheReferencePath(String json, String path, String expected) throws Exception {
        assertEquals(JSON.readTree(expected), Paths.write(JSON.readTree(json), path, JSON.getNodeFactory().booleanNode(true)));
    }

    @org.junit.jupiter.api.Test
    void write_leavesTheTargetAsItWas_andSharesWhatItDoesNotChange() throws Exception {
        JsonNode target = JSON.readTree("{\"launch\":{\"requested\":2,\"ids\":[\"i-1\"]},\"fleet\":{\"workers\":[1,2,3]}}");
        String before = target.toString();

        JsonNode written = Paths.write(target, "$.launch.joined", JSON.getNodeFactory().booleanNode(true));

        assertEquals(before, target.toString(), "the target must not change: earlier states' data shares it");
        assertEquals(JSON.readTree("{\"launch\":{\"requested\":2,\"ids\":[\"i-1\"],\"joined\":true},"
                + "\"fleet\":{\"workers\":[1,2,3]}}"), written);
        assertTrue(written.get("fleet") == target.get("fleet"), "a branch off the path is shared, not copied");
        assertTrue(written.get("launch").get("ids") == target.get("launch").get("ids"));
    }

    @ParameterizedTest(name = "write {1} into {0}: no object to hold it")
    @CsvSource(delimiter = '|', value = {
            "[1,2]           | $.validation",
            "\"scale\"       | $.validation",
            "42              | $.validation",
            "null            | $.validation",
            "true            | $.validation",
            "{\"a\":5}       | $.a.b"})
    void writeIntoANonObject_isAReferencePathConflict_notAnObjectInItsPlace(String json, String path) throws Exception {
        RuntimeFailure failure = assertThrows(RuntimeFailure.class,
                () -> Paths.write(JSON.readTree(json), path, JSON.getNodeFactory().booleanNode(true)));

        assertEquals("States.ReferencePathConflict", failure.error());
        assertTrue(failure.getMessage().startsWith("Unable to apply step \"" + path.substring(path.lastIndexOf('.') + 1)
                + "\" to input "), failure.getMessage());
    }

    @ParameterizedTest(name = "write $ over {0}")
    @CsvSource(delimiter = '|', value = {"[1,2]", "\"scale\"", "null"})
    void writeTheWholeState_replacesAnyInput(String json) throws Exception {
        assertEquals(JSON.readTree("{\"validation\":1}"),
                Paths.write(JSON.readTree(json), "$", JSON.readTree("{\"validation\":1}")));
    }

    @org.junit.jupiter.api.Test
    void missingPath_isARuntimeFailureNamingThePath() throws Exception {
        RuntimeFailure failure = assertThrows(RuntimeFailure.class,
                () -> Paths.read("$.launch.launched", JSON.readTree("{\"launch\":{}}"), JSON.createObjectNode()));

        assertTrue(failure.getMessage().startsWith("path $.launch.launched matches nothing"), failure.getMessage());
        assertEquals("States.Runtime", failure.error());
    }
}
