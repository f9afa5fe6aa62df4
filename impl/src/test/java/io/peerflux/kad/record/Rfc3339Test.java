package io.peerflux.kad.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** IPNS Validity timestamps as Go's RFC3339Nano writes and reads them. */
class Rfc3339Test {

    @Test
    void writesUtcWithOnlyTheFractionDigitsNeeded() {
        assertThat(Rfc3339.format(Instant.EPOCH.plusNanos(1))).isEqualTo("1970-01-01T00:00:00.000000001Z");
        assertThat(Rfc3339.format(Instant.parse("2123-08-14T12:17:03.694052Z"))).isEqualTo("2123-08-14T12:17:03.694052Z");
        assertThat(Rfc3339.format(Instant.parse("2026-03-02T12:00:00.500Z"))).isEqualTo("2026-03-02T12:00:00.5Z");
        assertThat(Rfc3339.format(Instant.parse("2026-03-02T12:00:00Z"))).isEqualTo("2026-03-02T12:00:00Z");
        assertThat(Rfc3339.format(Instant.parse("0001-01-01T00:00:00Z"))).isEqualTo("0001-01-01T00:00:00Z");
    }

    @Test
    void readsOffsetsAndAnyFractionLength() throws InvalidRecordException {
        assertThat(Rfc3339.parse("2026-03-02T13:30:00.1+01:30")).isEqualTo(Instant.parse("2026-03-02T12:00:00.1Z"));
        assertThat(Rfc3339.parse("2026-03-02T10:00:00-02:00")).isEqualTo(Instant.parse("2026-03-02T12:00:00Z"));
        assertThat(Rfc3339.parse("2026-03-02T12:00:00.123456789Z")).isEqualTo(Instant.parse("2026-03-02T12:00:00.123456789Z"));
    }

    @Test
    void rejectsWhatGoRejects() {
        for (String text : new String[] {
                "", "2026-03-02", "2026-03-02T12:00:00", "2026-03-02t12:00:00Z", "2026-03-02T12:00:00z",
                "2026-03-02 12:00:00Z", "2026-03-02T12:00:00.Z", "2026-03-02T12:00:00.1234567890Z",
                "2026-13-02T12:00:00Z", "2026-02-30T12:00:00Z", "2026-03-02T24:00:00Z", "2026-03-02T12:60:00Z",
                "2026-03-02T12:00:60Z", "2026-03-02T12:00:00+01:60", "+2026-03-02T12:00:00Z", "26-03-02T12:00:00Z",
                "２026-03-02T12:00:00Z", "2026-03-02T12:00:00+0100"}) {
            assertThatThrownBy(() -> Rfc3339.parse(text)).as(text).isInstanceOf(InvalidRecordException.class);
        }
    }

    @Test
    void refusesToWriteYearsRfc3339CannotHold() {
        assertThatThrownBy(() -> Rfc3339.format(Instant.parse("+10000-01-01T00:00:00Z")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rfc3339.format(Instant.parse("-0001-12-31T23:59:59Z")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Property(tries = 1000)
    void everyWritableInstantReadsBack(@ForAll @LongRange(min = -62_167_219_200L, max = 253_402_300_799L) long seconds,
                                       @ForAll @IntRange(min = 0, max = 999_999_999) int nanos) throws InvalidRecordException {
        Instant instant = Instant.ofEpochSecond(seconds, nanos);
        assertThat(Rfc3339.parse(Rfc3339.format(instant))).isEqualTo(instant);
    }
}
