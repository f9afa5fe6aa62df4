package io.peerflux.benchmarks.ceiling;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** What the ceiling programs share: argument parsing, the runs, and the JSON line each run prints. */
final class Ceiling {

    /** A pipe that stays open across runs and moves a given number of bytes per run. */
    interface Pipe extends AutoCloseable {

        /** Sends {@code bytes} from sender to receiver; returns once the receiver has them all. */
        void transfer(long bytes) throws Exception;
    }

    /** Opens a pipe; called once per program. */
    interface Opener {
        Pipe open() throws Exception;
    }

    private Ceiling() {
    }

    /**
     * Parses {@code --bytes N [--repeat R]}, then runs and prints R transfers of N bytes over one pipe; or, with
     * {@code --serve}, prints {@code {"name":…,"ready":true}} once the pipe is open, then runs one transfer per line
     * read from stdin (the line is its byte count) until stdin ends, for a driver that keeps the program warm.
     */
    static void run(String name, String[] args, Opener opener) throws Exception {
        long bytes = -1;
        int repeat = 1;
        boolean serve = false;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--bytes" -> bytes = Long.parseLong(required(args[i], value));
                case "--repeat" -> repeat = Integer.parseInt(required(args[i], value));
                case "--serve" -> {
                    serve = true;
                    continue;
                }
                default -> usage(name, "unknown argument " + args[i]);
            }
            i++;
        }
        if (!serve && (bytes <= 0 || repeat <= 0)) {
            usage(name, "--bytes and --repeat must be positive");
        }
        try (Pipe pipe = opener.open()) {
            if (serve) {
                System.out.printf("{\"name\":\"%s\",\"ready\":true}%n", name);
                BufferedReader requests = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                for (String line; (line = requests.readLine()) != null; ) {
                    transfer(name, pipe, Long.parseLong(line.trim()));
                }
            } else {
                for (int run = 0; run < repeat; run++) {
                    transfer(name, pipe, bytes);
                }
            }
        }
        System.exit(0); // no lingering non-daemon threads of the pipe's libraries
    }

    private static void transfer(String name, Pipe pipe, long bytes) throws Exception {
        long start = System.nanoTime();
        pipe.transfer(bytes);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "{\"name\":\"%s\",\"bytes\":%d,\"seconds\":%.6f,\"gbps\":%.4f}%n",
                name, bytes, seconds, bytes * 8 / seconds / 1e9);
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private static void usage(String name, String problem) {
        System.err.println(problem + "\nusage: java -cp benchmarks.jar io.peerflux.benchmarks.ceiling." + name
                + " --bytes N [--repeat R] | --serve");
        System.exit(2);
    }
}
