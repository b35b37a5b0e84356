package dev.tierline.protocol;

/**
 * A command from a client: {@code {"v":1,"id":"c-17","type":"chat.send","session":"s-8f2c","body":{…}}}.
 *
 * @param id      chosen by the client, unique per connection; a retry with the same id is applied
 *                at most once
 * @param session the target session, {@code null} for commands that need none
 */
public record Command(int v, String id, CommandType type, String session, CommandBody body) {
    public Command {
        ProtocolException.required(id, "id");
        ProtocolException.present(type, "type");
        ProtocolException.present(body, "body");
        if (!type.bodyClass().isInstance(body)) {
            throw new IllegalArgumentException(type.wire() + " does not take " + body.getClass().getSimpleName());
        }
    }

    public static Command of(String id, CommandType type, String session, CommandBody body) {
        return new Command(Protocol.VERSION, id, type, session, body);
    }
}
