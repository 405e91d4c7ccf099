package dev.mcgt.cli;

import dev.mcgt.McgtException;
import dev.mcgt.config.GatePolicy;
import dev.mcgt.config.PolicyJson;
import dev.mcgt.scoring.GatingProfile;
import dev.mcgt.scoring.GatingProfileJson;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/** Resolves {@code --policy default|conservative|permissive|FILE.json}. */
public final class PolicyResolver {
    private PolicyResolver() { }

    /**
     * A preset by name, else a JSON file (a file that exists, or any name ending in {@code .json}); anything
     * else is a usage error. A file that cannot be read or parsed is a failure (BAD_CONFIG naming the file).
     */
    static GatePolicy resolve(CommandSpec spec, String value) {
        GatePolicy p = resolveOrNull(value);
        if (p == null) throw Usage.error(spec, unknown(value));
        return p;
    }

    /** As {@link #resolve(CommandSpec, String)} outside a command: an unknown name is a BAD_CONFIG failure. */
    static GatePolicy resolve(String value) {
        GatePolicy p = resolveOrNull(value);
        if (p == null) throw McgtException.badConfig(unknown(value));
        return p;
    }

    /**
     * The gating profile of {@code --policy}: a preset's thresholds with the profile defaults, or everything a
     * policy file says (tier-1 variant, skip rule, cross-chunk context, lens).
     */
    static GatingProfile resolveProfile(CommandSpec spec, String value) {
        GatingProfile p = profileOrNull(value);
        if (p == null) throw Usage.error(spec, unknown(value));
        return p;
    }

    /** As {@link #resolveProfile(CommandSpec, String)} outside a command. */
    public static GatingProfile resolveProfile(String value) {
        GatingProfile p = profileOrNull(value);
        if (p == null) throw McgtException.badConfig(unknown(value));
        return p;
    }

    private static GatingProfile profileOrNull(String value) {
        switch (value) {
            case "default", "defaults", "conservative", "permissive":
                return GatingProfile.of(GatePolicy.preset(value));
            default:
                break;
        }
        Path p = Path.of(value);
        if (value.endsWith(".json") || Files.isRegularFile(p)) return GatingProfileJson.load(p);
        return null;
    }

    private static String unknown(String value) {
        return "unknown policy '" + value + "' (expected default, conservative, permissive or a .json file)";
    }

    private static GatePolicy resolveOrNull(String value) {
        switch (value) {
            case "default", "defaults", "conservative", "permissive":
                return GatePolicy.preset(value);
            default:
                break;
        }
        Path p = Path.of(value);
        if (value.endsWith(".json") || Files.isRegularFile(p)) return PolicyJson.load(p);
        return null;
    }
}
