package dev.jalloc.examples.redis;

import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;

/**
 * What every keyspace contract test class shares: a storage made by the class's parameter (one of {@link
 * KeyspaceContractTest#storages()}), a keyspace of it driven by a {@link KeyspaceClient}, both closed after each
 * test, and the storage's shutdown report checked for leaks.
 */
abstract class StorageFixture {
    @Parameter
    Supplier<Storage> factory;

    Storage storage;
    KeyspaceClient client;

    @BeforeEach
    void open() {
        storage = factory.get();
        client = new KeyspaceClient(storage.newKeyspace());
    }

    @AfterEach
    void close() {
        client.keyspace.close();
        RespTesting.assertNoLeak(storage.shutdown());
    }
}
