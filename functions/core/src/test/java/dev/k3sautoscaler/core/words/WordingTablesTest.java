package dev.k3sautoscaler.core.words;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;
import org.opentest4j.AssertionFailedError;

class WordingTablesTest {
    enum Code { ONE, TWO }

    @Test
    void aTableMissingACode_failsNamingIt() {
        AssertionFailedError missing = assertThrows(AssertionFailedError.class, () -> WordingTables.assertCoversEveryCode(
                Stream.of(Arguments.of(Code.ONE, "one")), Code.class, code -> code, Code.class));

        assertTrue(missing.getMessage().startsWith("the table leaves out [TWO]"), missing.getMessage());
        WordingTables.assertCoversEveryCode(Stream.of(Arguments.of(Code.ONE, "one"), Arguments.of(Code.TWO, "two")),
                Code.class, code -> code, Code.class);
    }
}
