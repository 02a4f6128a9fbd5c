package dev.k3sautoscaler.core.policy;

import static dev.k3sautoscaler.core.policy.Fixtures.MIB;
import static dev.k3sautoscaler.core.policy.Fixtures.pods;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.k3sautoscaler.core.model.PodRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BinPackerTest {
    private static final long CPU = 1900;
    private static final long MEMORY = 1600 * MIB;

    static Stream<Arguments> packings() {
        List<PodRequest> mixed = new ArrayList<>();
        mixed.addAll(pods(2, 1500, 100));  // CPU-bound
        mixed.addAll(pods(2, 100, 1400));  // memory-bound
        return Stream.of(
                // name, pods, in-flight bins, expected new bins, expected too large, expected absorbed
                Arguments.of("no pods", List.of(), 0, 0, 0, 0),
                Arguments.of("one small pod", pods(1, 100, 64), 0, 1, 0, 0),
                Arguments.of("many small pods: memory binds first (6 x 256Mi per worker)", pods(10, 250, 256), 0, 2, 0, 0),
                Arguments.of("exactly one worker's allocatable", pods(1, CPU, 1600), 0, 1, 0, 0),
                Arguments.of("one huge pod is reported, not packed", pods(1, 4000, 512), 0, 0, 1, 0),
                Arguments.of("huge pod beside small ones", concat(pods(1, 100, 9000), pods(3, 500, 100)), 0, 1, 1, 0),
                Arguments.of("mixed CPU- and memory-bound pods pair up", mixed, 0, 2, 0, 0),
                Arguments.of("in-flight worker absorbs all", pods(3, 500, 256), 1, 0, 0, 3),
                Arguments.of("in-flight worker absorbs part", pods(6, 600, 256), 1, 1, 0, 3),
                Arguments.of("one pod per worker when each needs 60%", pods(5, 1140, 100), 0, 5, 0, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packings")
    void pack_placesPodsFirstFitDecreasing(String name, List<PodRequest> pods, int inFlight, int expectedNew,
                                          int expectedTooLarge, int expectedAbsorbed) {
        // WHEN
        BinPacker.Packing packing = BinPacker.pack(pods, CPU, MEMORY, inFlight);

        // THEN
        assertEquals(expectedNew, packing.newBins(), "new workers");
        assertEquals(expectedTooLarge, packing.tooLarge().size(), "pods larger than a worker");
        assertEquals(expectedAbsorbed, packing.absorbedByOpen(), "pods placed on in-flight workers");
    }

    private static List<PodRequest> concat(List<PodRequest> a, List<PodRequest> b) {
        List<PodRequest> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
