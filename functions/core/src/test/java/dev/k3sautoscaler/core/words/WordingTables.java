package dev.k3sautoscaler.core.words;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** For the golden wording tests: a table of reason → text must hold every code, so no new code goes unworded. */
public final class WordingTables {
    private WordingTables() {
    }

    /**
     * @param table rows whose first argument is a {@code type}
     * @param code  the code a row's reason carries
     */
    public static <T, E extends Enum<E>> void assertCoversEveryCode(Stream<Arguments> table, Class<T> type,
            Function<T, E> code, Class<E> codes) {
        EnumSet<E> covered = table.map(row -> code.apply(type.cast(row.get()[0])))
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(codes)));
        assertEquals(EnumSet.allOf(codes), covered, "the table leaves out " + EnumSet.complementOf(EnumSet.copyOf(covered)));
    }
}
