package io.spindle.driver.report;

import de.erichseifert.vectorgraphics2d.Processors;
import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.knowm.xchart.internal.chartpart.Chart;

/** Renders XChart charts to inline SVG. */
final class Charts {

    private Charts() {
    }

    /**
     * @param chart a chart
     * @return the chart as an SVG document without its XML prolog, ready to inline in HTML
     */
    static String svg(Chart<?, ?> chart) {
        VectorGraphics2D g = new VectorGraphics2D();
        chart.paint(g, chart.getWidth(), chart.getHeight());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Processors.get("svg").getDocument(g.getCommands(), new PageSize(0, 0, chart.getWidth(), chart.getHeight()))
                    .writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String s = out.toString(StandardCharsets.UTF_8);
        int start = s.indexOf("<svg");
        return start < 0 ? s : s.substring(start);
    }
}
