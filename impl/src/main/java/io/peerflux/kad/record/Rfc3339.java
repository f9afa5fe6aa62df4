package io.peerflux.kad.record;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The RFC 3339 timestamps of IPNS {@code Validity}, in the form Go's {@code time.RFC3339Nano} writes
 * and reads, which go-ipfs/boxo established: {@code 2123-08-14T12:17:03.694052Z}, UTC, with up to
 * nine fraction digits and no trailing zeros (the spec's example is
 * {@code 1970-01-01T00:00:00.000000001Z}).
 */
final class Rfc3339 {

    private static final Pattern TIMESTAMP = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?(?:Z|([+-])(\\d{2}):(\\d{2}))");

    private static final Instant FIRST = Instant.parse("0000-01-01T00:00:00Z");
    private static final Instant LAST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private Rfc3339() {
    }

    /**
     * Reads a timestamp with any offset ({@code Z} or {@code ±hh:mm}) and 0 to 9 fraction digits.
     *
     * @throws InvalidRecordException if the text is not such a timestamp or names no real time
     */
    static Instant parse(String text) throws InvalidRecordException {
        Matcher m = TIMESTAMP.matcher(text);
        if (!m.matches()) {
            throw new InvalidRecordException("validity \"" + text + "\" is not an RFC 3339 timestamp like 1970-01-01T00:00:00.000000001Z");
        }
        try {
            String fraction = m.group(7) == null ? "" : m.group(7);
            int nanos = Integer.parseInt((fraction + "000000000").substring(0, 9));
            LocalDateTime local = LocalDateTime.of(number(m, 1), number(m, 2), number(m, 3),
                    number(m, 4), number(m, 5), number(m, 6),
                    nanos);
            ZoneOffset offset = m.group(8) == null ? ZoneOffset.UTC
                    : ZoneOffset.ofHoursMinutes(sign(m) * number(m, 9), sign(m) * number(m, 10));
            return local.toInstant(offset);
        } catch (DateTimeException e) {
            throw new InvalidRecordException("validity \"" + text + "\" is not a valid time: " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code instant} in UTC with as many fraction digits as it needs.
     *
     * @throws IllegalArgumentException if it is outside the years 0000 to 9999, which RFC 3339 cannot write
     */
    static String format(Instant instant) {
        if (instant.isBefore(FIRST) || instant.isAfter(LAST)) {
            throw new IllegalArgumentException(instant + " is outside the years 0000 to 9999 that RFC 3339 can write");
        }
        LocalDateTime t = LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC);
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d",
                t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond()));
        int nanos = instant.getNano();
        if (nanos != 0) {
            String fraction = String.format(Locale.ROOT, "%09d", nanos);
            int end = fraction.length();
            while (fraction.charAt(end - 1) == '0') {
                end--;
            }
            text.append('.').append(fraction, 0, end);
        }
        return text.append('Z').toString();
    }

    private static int number(Matcher m, int group) {
        return Integer.parseInt(m.group(group));
    }

    private static int sign(Matcher m) {
        return m.group(8).equals("-") ? -1 : 1;
    }
}
