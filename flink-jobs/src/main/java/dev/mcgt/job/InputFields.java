package dev.mcgt.job;

import dev.mcgt.McgtException;
import java.io.Serializable;

/**
 * Which JSON fields hold a document's id, text and label ({@code --id-field}, {@code --text-field},
 * {@code --label-field}), and the text prefix whose tokens go before each document's own ({@code --text-prefix},
 * "" for none; see {@link ChunkDocuments}). A {@code .txt} file has no fields: its id is its path under the input
 * root.
 */
public record InputFields(String idField, String textField, String labelField, String textPrefix)
        implements Serializable {

    /** Checks that every name is non-blank and that id and text differ. */
    public InputFields {
        if (idField == null || idField.isBlank()) throw McgtException.badConfig("--id-field cannot be empty");
        if (textField == null || textField.isBlank()) throw McgtException.badConfig("--text-field cannot be empty");
        if (labelField == null || labelField.isBlank()) throw McgtException.badConfig("--label-field cannot be empty");
        if (idField.equals(textField)) throw McgtException.badConfig("--id-field and --text-field must differ");
        if (textPrefix == null) textPrefix = "";
    }

    /** No text prefix. */
    public InputFields(String idField, String textField, String labelField) {
        this(idField, textField, labelField, "");
    }

    /** {@code id}, {@code text}, {@code label}. */
    public static InputFields defaults() {
        return new InputFields("id", "text", "label");
    }
}
