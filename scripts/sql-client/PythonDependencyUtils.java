package org.apache.flink.python.util;

import org.apache.commons.cli.CommandLine;
import org.apache.flink.configuration.Configuration;

/**
 * Stand-in for flink-python's class of this name on the SQL client's classpath only (scripts/cluster.sh sql compiles
 * it): Flink's SQL client always asks it for the Python options of its command line, and this cluster has no Python
 * support, so there are none. Not part of any jar of the build.
 */
public final class PythonDependencyUtils {
    private PythonDependencyUtils() { }

    /** No Python options: an empty configuration. */
    public static Configuration parsePythonDependencyConfiguration(CommandLine commandLine) {
        return new Configuration();
    }
}
