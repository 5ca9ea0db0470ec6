package io.spindle.jobs;

import io.spindle.driver.spec.SpecSchema;
import io.spindle.driver.spec.SpecTrees;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code spindle schema}: the JSON Schema of job specs, for editors. */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = "Print the JSON Schema of job specs (point your editor's YAML support at it).")
final class SchemaCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        spec.commandLine().getOut().println(SpecTrees.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(SpecSchema.jsonSchema()));
        return 0;
    }
}
