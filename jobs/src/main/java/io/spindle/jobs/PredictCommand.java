package io.spindle.jobs;

import io.spindle.driver.job.PredictJob;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code spindle predict MODEL DATA --output OUT [--format parquet|csv|delta] [--id COL] [--unknown-category
 * error|zeros] [--on-bad-record fail|skip] [--overwrite] [--master URL]}.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Apply a trained model to data, in Spark executors: one output row per input row with the"
                + " input columns (or --id), prediction and, for classification, probability_<class> per class.")
final class PredictCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL",
            description = "a model.zip, a spindle train output folder or a spindle sweep output folder (its best/)")
    String model;

    @Parameters(index = "1", paramLabel = "DATA",
            description = "the rows to predict (CSV, Parquet or LibSVM; a file, folder or glob; any Hadoop FS URI)")
    String data;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "output folder, any Hadoop FS URI")
    String output;

    @Option(names = "--format", paramLabel = "FORMAT", description = "parquet (default), csv or delta")
    String format = "parquet";

    @Option(names = "--id", paramLabel = "COL", description = "the input column to repeat in the output (default: all)")
    String id;

    @Mixin
    CommonOptions.Overwrite overwrite;

    @Option(names = "--unknown-category", paramLabel = "WHAT", description = "a categorical value training never saw:"
            + " error (default: fail, naming the row, column and value) or zeros (all-zero inputs for that column;"
            + " the rows are counted)")
    String unknownCategory = "error";

    @Option(names = "--on-bad-record", paramLabel = "WHAT", description = "a row that cannot be encoded (empty,"
            + " non-finite or non-numeric feature): fail (default: naming its file, line and column) or skip (left out"
            + " of the output and counted)")
    String onBadRecord = "fail";

    @Mixin
    CommonOptions.Master master;

    @Mixin
    CommonOptions.Verbose common;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PredictJob.Format f = switch (format.toLowerCase(java.util.Locale.ROOT)) {
            case "parquet" -> PredictJob.Format.PARQUET;
            case "csv" -> PredictJob.Format.CSV;
            case "delta" -> PredictJob.Format.DELTA;
            default -> throw new io.spindle.driver.spec.SpecException("--format must be parquet, csv or delta, got '"
                    + format + "'");
        };
        boolean zeros = switch (unknownCategory.toLowerCase(java.util.Locale.ROOT)) {
            case "error" -> false;
            case "zeros" -> true;
            default -> throw new io.spindle.driver.spec.SpecException("--unknown-category must be error or zeros, got '"
                    + unknownCategory + "'");
        };
        boolean skip = switch (onBadRecord.toLowerCase(java.util.Locale.ROOT)) {
            case "fail" -> false;
            case "skip" -> true;
            default -> throw new io.spindle.driver.spec.SpecException("--on-bad-record must be fail or skip, got '"
                    + onBadRecord + "'");
        };
        Sessions.Handle spark = master.open();
        try {
            PredictJob.run(spark.session(), new PredictJob.Options(model, data, output, f, Optional.ofNullable(id), overwrite.overwrite,
                    zeros, skip), spec.commandLine().getOut());
            return 0;
        } finally {
            spark.close();
        }
    }
}
