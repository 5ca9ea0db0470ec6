package io.spindle.driver.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The spec reference is generated from the schema, and docs/spec.md is that output. */
@Tag("fast")
class SpecReferenceTest {

    @Test
    void everyKeyOfTheSchemaIsInTheReferenceWithItsValuesAndDefault() {
        String md = SpecReference.markdown();
        for (String row : new String[] {
                "| `cluster.lr_scaling` | `auto`, `none`, `linear`, `sqrt` | `auto` | ",
                "| `cluster.lr_warmup_epochs` | integer >= 0 | `1` | ",
                "| `data.path` | text | required | ",
                "| `training.epochs` | integer > 0 | ",
                "| `model.preset` | `classification`, "}) {
            assertTrue(md.contains(row), row + " in\n" + md);
        }
        // keyed families get a table per variant: layer types, schedules
        assertTrue(md.contains("\n## `model.layers[]` with `type: gru`\n"), md);
        String cosine = md.substring(md.indexOf("\n## `training.schedule` with `type: cosine`\n"));
        assertTrue(cosine.indexOf("| `training.schedule.warmup_epochs` | integer >= 0 | `0` | ") < cosine.indexOf("\n## ", 1),
                "the cosine schedule's own table has its warmup_epochs: " + cosine);
        // nested mappings come right after their section, before the next section
        assertTrue(md.indexOf("\n## `training.early_stopping`\n") > md.indexOf("\n## `training`\n")
                && md.indexOf("\n## `training.early_stopping`\n") < md.indexOf("\n## `metrics`\n"), md);
    }

    @Test
    void docsSpecMdIsTheGeneratedReference() throws Exception {
        Path file = Path.of("..", "docs", "spec.md");
        assertTrue(Files.isRegularFile(file), "no " + file.toAbsolutePath());
        assertEquals(SpecReference.markdown(), Files.readString(file).replace("\r\n", "\n"),
                "docs/spec.md is stale: the schema changed; regenerate it with"
                        + " ./spindle schema --format markdown > docs/spec.md");
    }
}
