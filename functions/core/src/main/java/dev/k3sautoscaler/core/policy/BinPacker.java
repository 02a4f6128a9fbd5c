package dev.k3sautoscaler.core.policy;

import dev.k3sautoscaler.core.model.PodRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * First-fit decreasing bin packing of pod requests onto identical workers: how many new workers
 * the unschedulable pods need. Pods are placed largest first (by their dominant share of a
 * worker, so a memory-heavy pod counts as large even with a small CPU request) into the first
 * worker with room for both CPU and memory. FFD uses at most 11/9 OPT + 6/9 bins, close enough
 * for a step that is re-evaluated every tick.
 */
public final class BinPacker {

    /**
     * @param openBins        workers already launching (empty, counted as capacity in flight)
     * @param newBins         workers that must be launched for the rest
     * @param tooLarge        pods no empty worker can hold: reported, never scaled for
     * @param absorbedByOpen  pods placed on in-flight workers
     */
    public record Packing(int openBins, int newBins, List<PodRequest> tooLarge, int absorbedByOpen) {
    }

    private BinPacker() {
    }

    public static Packing pack(List<PodRequest> pods, long binCpuMillis, long binMemoryBytes, int openBins) {
        List<PodRequest> tooLarge = new ArrayList<>();
        List<PodRequest> fitting = new ArrayList<>();
        for (PodRequest pod : pods) {
            if (pod.cpuMillis() > binCpuMillis || pod.memoryBytes() > binMemoryBytes) {
                tooLarge.add(pod);
            } else {
                fitting.add(pod);
            }
        }
        fitting.sort(Comparator.comparingDouble((PodRequest pod) -> dominantShare(pod, binCpuMillis, binMemoryBytes))
                .reversed()
                .thenComparing(PodRequest::qualifiedName));

        List<long[]> free = new ArrayList<>(); // {cpu, memory} left per bin, in-flight bins first
        for (int i = 0; i < openBins; i++) {
            free.add(new long[] {binCpuMillis, binMemoryBytes});
        }
        int absorbed = 0;
        for (PodRequest pod : fitting) {
            int bin = firstFit(free, pod);
            if (bin < 0) {
                free.add(new long[] {binCpuMillis, binMemoryBytes});
                bin = free.size() - 1;
            }
            free.get(bin)[0] -= pod.cpuMillis();
            free.get(bin)[1] -= pod.memoryBytes();
            if (bin < openBins) {
                absorbed++;
            }
        }
        return new Packing(openBins, free.size() - openBins, List.copyOf(tooLarge), absorbed);
    }

    private static int firstFit(List<long[]> free, PodRequest pod) {
        for (int i = 0; i < free.size(); i++) {
            long[] room = free.get(i);
            if (room[0] >= pod.cpuMillis() && room[1] >= pod.memoryBytes()) {
                return i;
            }
        }
        return -1;
    }

    private static double dominantShare(PodRequest pod, long binCpuMillis, long binMemoryBytes) {
        return Math.max((double) pod.cpuMillis() / binCpuMillis, (double) pod.memoryBytes() / binMemoryBytes);
    }
}
