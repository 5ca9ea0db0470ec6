package io.spindle.driver.results;

import org.junit.jupiter.api.Tag;

/** The in-memory store meets the same contract as the Delta tables. */
@Tag("fast")
class InMemoryResultStoreTest extends ResultStoreContract {

    @Override
    ResultStore store() {
        return new InMemoryResultStore();
    }
}
