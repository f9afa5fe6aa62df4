package io.peerflux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The seed corpus of Jazzer fuzz targets, made by the code's own encoders. Each fuzz test class holds one target,
 * method {@code fuzz} (so that .ci/fuzz can give each a JVM of its own); its seed {@code name} is the file
 * {@code src/test/resources/<package>/<Class>Inputs/fuzz/seed-<name>}, where Jazzer looks for inputs.
 * {@link #verifyOrWrite()} checks the committed files against the encoders, or with {@code -Dfuzz.writeSeeds=true}
 * (re)writes them. impl has a copy in {@code io.peerflux.testing}.
 */
public final class FuzzSeeds {

    private final Map<Path, byte[]> seeds = new LinkedHashMap<>();
    /** Seeds that differ from run to run (signatures, certificates): only their presence is checked. */
    private final Map<Path, Boolean> varying = new LinkedHashMap<>();

    /** Like {@link #add}, for a seed the encoders never make the same twice. */
    public FuzzSeeds addVarying(String fuzzTest, String name, byte[] bytes) {
        add(fuzzTest, name, bytes);
        varying.put(file(fuzzTest, name), true);
        return this;
    }

    /**
     * @param fuzzTest the fuzz test class's binary name (fuzz test classes are package-private)
     */
    public FuzzSeeds add(String fuzzTest, String name, byte[] bytes) {
        Path file = file(fuzzTest, name);
        if (seeds.put(file, bytes.clone()) != null) {
            throw new IllegalArgumentException("two seeds named " + name + " for " + fuzzTest);
        }
        return this;
    }

    private static Path file(String fuzzTest, String name) {
        return Path.of(System.getProperty("basedir", "."), "src", "test", "resources")
                .resolve(fuzzTest.replace('.', '/') + "Inputs")
                .resolve("fuzz")
                .resolve("seed-" + name);
    }

    public void verifyOrWrite() {
        boolean write = Boolean.getBoolean("fuzz.writeSeeds");
        try {
            for (Map.Entry<Path, byte[]> seed : seeds.entrySet()) {
                if (write) {
                    Files.createDirectories(seed.getKey().getParent());
                    Files.write(seed.getKey(), seed.getValue());
                } else if (varying.containsKey(seed.getKey())) {
                    assertThat(seed.getKey()).as("seed file (write the seeds with -Dfuzz.writeSeeds=true)").exists();
                } else {
                    assertThat(seed.getKey())
                            .as("seed file (rewrite the seeds with -Dfuzz.writeSeeds=true, see docs/fuzzing.md)")
                            .exists()
                            .hasBinaryContent(seed.getValue());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
