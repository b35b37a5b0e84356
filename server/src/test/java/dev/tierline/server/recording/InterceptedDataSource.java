package dev.tierline.server.recording;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import javax.sql.DataSource;

/** A real data source with a step run before each {@code getConnection}: for tests that break or hold the journal. */
final class InterceptedDataSource {
    interface Step {
        void run() throws Exception;
    }

    private InterceptedDataSource() {
    }

    static DataSource around(DataSource real, Step beforeGetConnection) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        beforeGetConnection.run();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
