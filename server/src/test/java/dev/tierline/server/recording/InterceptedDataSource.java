package dev.tierline.server.recording;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import javax.sql.DataSource;

/**
 * A real data source with a step run before each {@code getConnection} and before (and after) each
 * commit on its connections: for tests that break or hold the journal. The commit matters because the
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
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("getConnection")) {
                        return invoke(method, real, args);
                    }
                    beforeGetConnection.run();
                    Connection connection = (Connection) invoke(method, real, args);
                    return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                            (p, m, a) -> {
                                if (!m.getName().equals("commit")) {
                                    return invoke(m, connection, a);
                                }
                                beforeCommit.run();
                                Object result = invoke(m, connection, a);
                                afterCommit.run();
                                return result;
                            });
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
