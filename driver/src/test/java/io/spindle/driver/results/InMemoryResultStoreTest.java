package io.spindle.driver.results;

/** The in-memory store meets the same contract as the Delta tables. */
class InMemoryResultStoreTest extends ResultStoreContract {

    @Override
    ResultStore store() {
        return new InMemoryResultStore();
    }
}
