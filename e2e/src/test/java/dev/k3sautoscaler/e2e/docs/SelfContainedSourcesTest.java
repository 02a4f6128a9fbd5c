package dev.k3sautoscaler.e2e.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The repository explains itself: no source, script or page leans on a document a reader of the
 * repository does not have (a planning brief, a tracker's issue number). Where a reason matters,
 * the file says the reason.
 */
class SelfContainedSourcesTest {
    private static final Path ROOT = Path.of("..");
    private static final List<String> TREES = List.of("README.md", "docs", "functions", "workflow", "cdk", "cluster-bootstrap",
            "simulator", "testkit", "e2e", "scripts", "autoscaler");
    /** "BRIEF §2", "issue 12", "issues 11 and 12", "(issue #13)", "owner/repo#123". */
    static final Pattern OUTSIDE_REFERENCE = Pattern.compile(
            "\\bBRIEF\\b|\\bissues? #?\\d+|\\b[A-Za-z0-9][\\w.-]*/[\\w.-]+#\\d+\\b");

    @Test
    void noFile_citesADocumentOutsideTheRepository() throws IOException {
        List<String> found = new ArrayList<>();
        for (String tree : TREES) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(tree))) {
                for (Path file : files.filter(Files::isRegularFile).filter(SelfContainedSourcesTest::readable).toList()) {
                    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                    for (int i = 0; i < lines.size(); i++) {
                        Matcher matcher = OUTSIDE_REFERENCE.matcher(lines.get(i));
                        if (matcher.find()) {
                            found.add(ROOT.relativize(file) + ":" + (i + 1) + ": " + matcher.group());
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), found);
    }

    @Test
    void thePattern_findsEachKindOfCitation() {
        for (String cited : List.of("(BRIEF §5)", "issue 12", "issues 11 and 12", "(issue #13)", "k3s-io/k3s#9721")) {
            assertEquals(true, OUTSIDE_REFERENCE.matcher(cited).find(), cited);
        }
        for (String fine : List.of("a brief network loss", "odd name #1.json", "#,##0.#", "&#39;")) {
            assertEquals(false, OUTSIDE_REFERENCE.matcher(fine).find(), fine);
        }
    }

    private static boolean readable(Path file) {
        String name = file.getFileName().toString();
        // This file spells the patterns it looks for.
        return !file.toString().contains("/target/") && !file.toString().contains("/node_modules/")
                && !name.equals(SelfContainedSourcesTest.class.getSimpleName() + ".java")
                && (name.endsWith(".java") || name.endsWith(".md") || name.endsWith(".sh") || name.endsWith(".yaml")
                || name.endsWith(".yml") || name.endsWith(".xml") || name.endsWith(".json") || name.equals("autoscaler"));
    }
}
