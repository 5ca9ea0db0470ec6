package io.spindle.driver;

/**
 * The digits job spec tests share: an MLP with one hidden layer on the bundled 8x8 digits, batch
 * 32, the same seeded 70/15/15 split; each test adds its own training keys and sections.
 */
public final class DigitsSpec {

    private DigitsSpec() {
    }

    /**
     * @param name the spec's name
     * @param dataPath where digits.csv is (a path or URI)
     * @param units the hidden layer's width
     * @param training more keys of the training section, one per line, without indentation
     * @param sections more top-level sections (YAML), e.g. {@code cluster: {workers: 2}}
     * @return the spec's YAML
     */
    public static String yaml(String name, String dataPath, int units, String training, String sections) {
        return """
                name: %s
                data:
                  path: %s
                  label: digit
                  task: multiclass
                  split: {train: 0.7, validation: 0.15, test: 0.15, seed: 7}
                model:
                  layers:
                    - {type: dense, units: %d}
                    - {type: output}
                training:
                  batch_size: 32
                """.formatted(name, dataPath, units) + training.strip().indent(2) + sections.strip() + "\n";
    }
}
