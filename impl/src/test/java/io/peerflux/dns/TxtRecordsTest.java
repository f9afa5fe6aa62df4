package io.peerflux.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsSection;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** TXT record data: character-strings joined, malformed records and other types skipped, the limit honoured. */
class TxtRecordsTest {

    @Test
    void aRecordsCharacterStringsAreJoinedWithoutSeparator() {
        ByteBuf data = Unpooled.buffer();
        try {
            strings(data, "dnsaddr=/ip4/", "192.0.2.1", "", "/tcp/1");
            assertThat(TxtRecords.joinedStrings(data)).isEqualTo("dnsaddr=/ip4/192.0.2.1/tcp/1");
            assertThat(data.readerIndex()).as("the record's data is not consumed").isZero();
        } finally {
            data.release();
        }
    }

    @Test
    void aLengthByteThatOverrunsTheDataMakesTheRecordMalformed() {
        ByteBuf data = Unpooled.buffer().writeByte(10).writeBytes("short".getBytes(StandardCharsets.US_ASCII));
        try {
            assertThat(TxtRecords.joinedStrings(data)).isNull();
        } finally {
            data.release();
        }
    }

    @Test
    void onlyWellFormedTxtAnswersCountTowardsTheLimit() {
        DnsResponse response = new DefaultDnsResponse(1);
        try {
            response.addRecord(DnsSection.ANSWER, record(DnsRecordType.TXT, Unpooled.buffer().writeByte(9)));
            response.addRecord(DnsSection.ANSWER, record(DnsRecordType.A, Unpooled.buffer().writeInt(0x7f000001)));
            for (String value : new String[] {"one", "two", "three"}) {
                response.addRecord(DnsSection.ANSWER, record(DnsRecordType.TXT, strings(Unpooled.buffer(), value)));
            }

            assertThat(TxtRecords.values(response, 2)).containsExactly("one", "two");
        } finally {
            response.release();
        }
    }

    private static DefaultDnsRawRecord record(DnsRecordType type, ByteBuf data) {
        return new DefaultDnsRawRecord("_dnsaddr.example.test.", type, 60, data);
    }

    private static ByteBuf strings(ByteBuf data, String... strings) {
        for (String s : strings) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            data.writeByte(bytes.length).writeBytes(bytes);
        }
        return data;
    }
}
