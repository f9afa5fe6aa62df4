package io.peerflux.dns;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsSection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the TXT records of a DNS answer. A TXT record's data is one or more character-strings (RFC 1035 3.3.14), each
 * a length byte and at most 255 bytes; a record's strings are joined without a separator, as Go's resolver (which
 * go-multiaddr-dns uses) does, so that a multiaddr longer than 255 bytes can be published split across strings.
 */
final class TxtRecords {

    private static final Logger log = LoggerFactory.getLogger(TxtRecords.class);

    private TxtRecords() {
    }

    /**
     * Returns the text of the answer's first {@code limit} well-formed TXT records, in answer order. Other record
     * types are ignored; a record whose length bytes overrun its data is skipped.
     */
    static List<String> values(DnsResponse response, int limit) {
        int answers = response.count(DnsSection.ANSWER);
        List<String> values = new ArrayList<>(Math.min(answers, limit));
        for (int i = 0; i < answers && values.size() < limit; i++) {
            DnsRecord record = response.recordAt(DnsSection.ANSWER, i);
            if (record.type() == DnsRecordType.TXT && record instanceof DnsRawRecord raw) {
                String text = joinedStrings(raw.content());
                if (text != null) {
                    values.add(text);
                } else {
                    log.debug("skipping a malformed TXT record of {}", record.name());
                }
            }
        }
        return values;
    }

    /** The record's character-strings joined as UTF-8, or {@code null} if a length byte overruns the data. */
    static String joinedStrings(ByteBuf data) {
        int index = data.readerIndex();
        int end = data.writerIndex();
        byte[] joined = new byte[end - index];
        int length = 0;
        while (index < end) {
            int size = data.getUnsignedByte(index++);
            if (size > end - index) {
                return null;
            }
            data.getBytes(index, joined, length, size);
            index += size;
            length += size;
        }
        return new String(joined, 0, length, StandardCharsets.UTF_8);
    }
}
