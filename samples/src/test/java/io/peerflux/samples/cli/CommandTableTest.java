package io.peerflux.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The stdin command table: dispatch by name and argument count, rest-of-line arguments, and every failure. */
class CommandTableTest {

    final CommandTable table = new CommandTable(Duration.ofMillis(200))
            .register("peers", args -> Mono.just(Output.object().put("all", true)))
            .register("peers TOPIC", args -> Mono.just(Output.object().put("topic", args.get(0))))
            .register("say WHO TEXT...", args -> Mono.just(Output.object().put("who", args.get(0))
                    .put("text", args.get(1))))
            .register("fail", args -> {
                throw new IllegalArgumentException("bad idea");
            })
            .register("hang", args -> Mono.never())
            .register("quiet", args -> Mono.empty());

    ObjectNode answer(String line) {
        return table.answer(line).block();
    }

    @Test
    void formsOfOneNameAreToldApartByTheirArgumentCount() {
        assertThat(answer("peers").toString()).isEqualTo("{\"cmd\":\"peers\",\"ok\":true,\"all\":true}");
        assertThat(answer("  peers   news ").toString())
                .isEqualTo("{\"cmd\":\"peers\",\"ok\":true,\"topic\":\"news\"}");
    }

    @Test
    void lastArgumentMarkedWithDotsTakesTheRestOfTheLine() {
        ObjectNode said = answer("say alice hello,  big world");
        assertThat(said.get("who").asText()).isEqualTo("alice");
        assertThat(said.get("text").asText()).isEqualTo("hello,  big world");
    }

    @Test
    void quietHandlerIsStillAnswered() {
        assertThat(answer("quiet").toString()).isEqualTo("{\"cmd\":\"quiet\",\"ok\":true}");
    }

    @Test
    void blankLinesAreNotAnswered() {
        assertThat(table.answer("   ").blockOptional()).isEmpty();
    }

    @Test
    void failuresAnswerOkFalseWithTheReason() {
        assertThat(answer("nope x").toString()).isEqualTo("{\"cmd\":\"nope\",\"ok\":false,"
                + "\"error\":\"unknown command; known: fail, hang, peers, quiet, say\"}");
        assertThat(answer("peers a b").get("error").asText()).isEqualTo("usage: peers | peers TOPIC");
        assertThat(answer("say alice").get("error").asText()).isEqualTo("usage: say WHO TEXT...");
        assertThat(answer("fail").get("error").asText()).isEqualTo("bad idea");
        assertThat(answer("hang").get("error").asText()).contains("no answer within");
    }

    @Test
    void aFormIsRegisteredOnce() {
        assertThatThrownBy(() -> table.register("peers CHANNEL", args -> Mono.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already registered");
    }
}
