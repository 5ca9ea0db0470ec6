package io.spindle.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Column checks and the reshaping of a data frame's feature vector into the columns the loader reads. */
final class Frames {

    private Frames() {
    }

    /** @return {@code name} quoted for a column expression */
    static Column col(String name) {
        return functions.col("`" + name.replace("`", "``") + "`");
    }

    /**
     * @param schema the input's schema
     * @param name a column the estimator or model reads
     * @param param the param that names it, for messages
     * @return the column's field
     * @throws IllegalArgumentException naming the param, the column and the columns there are
     */
    static StructField field(StructType schema, String name, String param) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException(param + ": the input has no column '" + name + "'; its columns: "
                    + String.join(", ", schema.fieldNames()));
        }
        return schema.apply(name);
    }

    /** @throws IllegalArgumentException when the column is not an MLlib vector */
    static void requireVector(StructType schema, String name, String param) {
        DataType t = field(schema, name, param).dataType();
        if (!t.equals(SQLDataTypes.VectorType())) {
            throw new IllegalArgumentException(param + " '" + name + "' has type " + t.simpleString() + "; it must be a"
                    + " Vector column (VectorAssembler makes one), or set featureCols to the feature columns");
        }
    }

    /** @throws IllegalArgumentException when the column is not numeric (or boolean) */
    static void requireNumber(StructType schema, String name, String param) {
        DataType t = field(schema, name, param).dataType();
        if (!(t instanceof NumericType || t instanceof BooleanType)) {
            throw new IllegalArgumentException(param + " '" + name + "' has type " + t.simpleString() + "; it must be"
                    + " numeric" + (t instanceof StringType ? " (StringIndexer turns labels into class indices)" : ""));
        }
    }

    /**
     * The size of a vector column: from its ML attributes when a transformer recorded them
     * (VectorAssembler does), else from its first row.
     *
     * @throws IllegalArgumentException for an empty input
     */
    static int vectorSize(Dataset<Row> df, String name, String param) {
        int size = AttributeGroup.fromStructField(df.schema().apply(name)).size();
        if (size >= 0) {
            return size;
        }
        List<Row> first = df.select(col(name)).where(col(name).isNotNull()).limit(1).collectAsList();
        if (first.isEmpty()) {
            throw new IllegalArgumentException(param + " '" + name + "': the input has no rows with a feature vector");
        }
        return ((Vector) first.get(0).get(0)).size();
    }

    /** @return the name of element {@code i} of vector column {@code name} once it is a column */
    static String element(String name, int i) {
        return name + "[" + i + "]";
    }

    /**
     * The input with its feature vector spread into one double column per element, named
     * {@link #element}, next to the other columns it keeps.
     *
     * @param df the input
     * @param vector the vector column
     * @param width its size
     * @param keep the other columns to keep (label, validation indicator)
     * @return the frame the loader reads
     */
    static Dataset<Row> spread(Dataset<Row> df, String vector, int width, List<String> keep) {
        Column array = org.apache.spark.ml.functions.vector_to_array(col(vector), "float64");
        List<Column> cols = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            cols.add(array.getItem(i).as(element(vector, i)));
        }
        keep.forEach(k -> cols.add(col(k)));
        return df.select(cols.toArray(new Column[0]));
    }

    /**
     * The number of classes of a label column of class indices: from its ML attributes when
     * StringIndexer (or another transformer) recorded them, else the largest label plus one.
     *
     * @throws IllegalArgumentException for a label that is negative or not a whole number, or fewer than two classes
     */
    static int numClasses(Dataset<Row> df, String label) {
        Attribute a = Attribute.fromStructField(df.schema().apply(label));
        if (a instanceof NominalAttribute n && n.getNumValues().isDefined()) {
            return (Integer) n.getNumValues().get();
        }
        Row r = df.agg(functions.max(col(label)).cast("double"), functions.min(col(label)).cast("double"),
                functions.sum(functions.when(col(label).cast("double").notEqual(functions.floor(col(label).cast("double"))), 1)
                        .otherwise(0))).first();
        if (r.isNullAt(0)) {
            throw new IllegalArgumentException("labelCol '" + label + "': the input has no labelled rows");
        }
        double max = r.getDouble(0);
        double min = r.getDouble(1);
        if (min < 0 || r.getLong(2) > 0) {
            throw new IllegalArgumentException("labelCol '" + label + "' must hold class indices 0, 1, 2, ... (found "
                    + (min < 0 ? min : "a fraction") + "); index string labels with StringIndexer, or use SpindleRegressor");
        }
        int k = (int) max + 1;
        if (k < 2) {
            throw new IllegalArgumentException("labelCol '" + label + "' has only class 0; a classifier needs at least two"
                    + " classes");
        }
        return k;
    }
}
