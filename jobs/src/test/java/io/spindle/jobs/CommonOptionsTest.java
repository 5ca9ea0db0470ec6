package io.spindle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The options several commands share are declared once, in {@link CommonOptions}, and behave alike everywhere. */
@Tag("fast")
class CommonOptionsTest {

    /** predict's --output is required and names the predictions' folder, not a run's: it is its own option. */
    private static final Set<String> OWN = Set.of("predict --output");

    @Test
    void everyCommandTakesTheSharedOptionsFromTheirGroups() {
        CommandLine cli = new CommandLine(new Main());
        List<String> copies = new ArrayList<>();
        int shared = 0;
        for (Map.Entry<String, CommandLine> sub : cli.getSubcommands().entrySet()) {
            for (OptionSpec o : sub.getValue().getCommandSpec().options()) {
                if (!CommonOptions.NAMES.contains(o.longestName())) {
                    continue;
                }
                Object where = o.userObject();
                boolean fromGroup = where instanceof Field f && f.getDeclaringClass().getEnclosingClass() == CommonOptions.class;
                if (fromGroup) {
                    shared++;
                } else if (!OWN.contains(sub.getKey() + " " + o.longestName())) {
                    copies.add(sub.getKey() + " " + o.longestName());
                }
            }
        }
        assertEquals(List.of(), copies, "options declared again instead of taken from CommonOptions");
        assertTrue(shared >= 20, "train, sweep, doctor, lr-find, validate, predict, results, sql, report and demo share"
                + " their options: " + shared);
    }

    @Test
    void theSharedGroupsParseAlikeInEveryCommand() {
        for (String command : List.of("train", "sweep", "doctor")) {
            CommandLine cli = new CommandLine(new Main());
            CommandLine.ParseResult parsed = cli.parseArgs(command, "spec.yaml", "--set", "training.lr=0.1", "--set",
                    "training.epochs=3", "-o", "out/run", "--overwrite", "--resume", "--master", "local[2]", "--verbose");
            CommandLine.ParseResult sub = parsed.subcommand();
            assertEquals(List.of("training.lr=0.1", "training.epochs=3"), sub.matchedOptionValue("--set", List.of()), command);
            assertEquals("out/run", sub.matchedOptionValue("--output", null), command);
            assertTrue(sub.hasMatchedOption("--overwrite") && sub.hasMatchedOption("--resume")
                    && sub.hasMatchedOption("--verbose"), command);
            assertEquals("local[2]", sub.matchedOptionValue("--master", null), command);
        }
        // --resume belongs to the commands that checkpoint
        for (String command : List.of("lr-find", "validate")) {
            CommandLine cli = new CommandLine(new Main());
            assertTrue(cli.getSubcommands().get(command).getCommandSpec().findOption("--resume") == null, command);
        }
    }

    @Test
    void overridesAreTypedBackAsTheyWereGivenAndTheOutputDefaultsToTheRunsName() {
        CommonOptions.Overrides o = new CommonOptions.Overrides();
        o.values.addAll(List.of("training.lr=0.1", "data.path=my data.csv", "name=it's", "model.layers[0].units=8"));
        assertEquals(" --set training.lr=0.1 --set 'data.path=my data.csv' --set 'name=it'\\''s'"
                + " --set 'model.layers[0].units=8'", o.asArguments());
        CommonOptions.Output out = new CommonOptions.Output();
        assertEquals("spindle-out/iris-doctor", out.orDefault("iris-doctor"));
        out.dir = "hdfs://nn/runs/iris";
        assertEquals("hdfs://nn/runs/iris", out.orDefault("iris"));
    }
}
