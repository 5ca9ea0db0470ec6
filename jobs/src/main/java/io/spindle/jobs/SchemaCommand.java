package io.spindle.jobs;

import io.spindle.driver.spec.SpecReference;
import io.spindle.driver.spec.SpecSchema;
import io.spindle.driver.spec.SpecTrees;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spindle schema}: the JSON Schema of job specs, for editors, or the spec reference in Markdown. */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = "Print the JSON Schema of job specs (point your editor's YAML support at it), or with --format"
                + " markdown the spec reference (docs/spec.md).")
final class SchemaCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** What to print. */
    enum Format { json, markdown }

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "json",
            description = "json (JSON Schema, the default) or markdown (the spec reference)")
    Format format;

    @Override
    public Integer call() throws Exception {
        String text = format == Format.markdown ? SpecReference.markdown()
                : SpecTrees.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(SpecSchema.jsonSchema()) + "\n";
        spec.commandLine().getOut().print(text);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
