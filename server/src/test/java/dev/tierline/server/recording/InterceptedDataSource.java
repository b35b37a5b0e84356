package dev.tierline.server.recording;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * A real data source with a step run before each {@code getConnection} and before (and after) each
 * commit on its connections, or around every call on them: for tests that break or hold the journal. The commit matters because the
 * journal's writer keeps its connection from batch to batch, so it seldom asks for a new one.
 */
final class InterceptedDataSource {
    interface Step {
        void run() throws Exception;
    }

    private InterceptedDataSource() {
    }

    static DataSource around(DataSource real, Step step) {
        return around(real, step, step);
    }

    static DataSource around(DataSource real, Step beforeGetConnection, Step beforeCommit) {
        return around(real, beforeGetConnection, beforeCommit, () -> { });
    }

    /** {@code afterCommit} runs once the real commit returned: throwing there is a commit that failed in name only. */
    static DataSource around(DataSource real, Step beforeGetConnection, Step beforeCommit, Step afterCommit) {
        return aroundCalls(real, beforeGetConnection, () -> (method, args, call) -> {
            if (!method.equals("commit")) {
                return call.proceed();
            }
            beforeCommit.run();
            Object result = call.proceed();
            afterCommit.run();
            return result;
        });
    }

    /** The real call on a connection, for an {@link Around} to make or not. */
    interface Call {
        Object proceed() throws Throwable;
    }

    /** Runs in place of each call on a connection: {@code args} is never null. */
    interface Around {
        Object call(String method, Object[] args, Call call) throws Throwable;
    }

    /**
     * A real data source whose connections' every call goes through an {@link Around}, a new one
     * for each connection, so that it can keep what it knows of that connection's transaction.
     */
    static DataSource aroundCalls(DataSource real, Step beforeGetConnection, Supplier<Around> perConnection) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("getConnection")) {
                        return invoke(method, real, args);
                    }
                    beforeGetConnection.run();
                    Connection connection = (Connection) invoke(method, real, args);
                    Around around = perConnection.get();
                    return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                            (p, m, a) -> around.call(m.getName(), a == null ? new Object[0] : a,
                                    () -> invoke(m, connection, a)));
                });
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
