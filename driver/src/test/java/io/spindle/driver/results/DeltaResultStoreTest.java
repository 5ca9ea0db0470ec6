package io.spindle.driver.results;

import io.spindle.driver.SharedSpark;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The Delta Lake store meets the store contract on a real local file system. */
class DeltaResultStoreTest extends ResultStoreContract {

    @TempDir
    Path dir;

    private int stores;

    @Override
    ResultStore store() {
        return new DeltaResultStore(SharedSpark.session(), dir.resolve("run" + stores++).toString());
    }
}
