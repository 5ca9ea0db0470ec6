package io.spindle.driver.report;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The learning-rate range test's chart: loss and smoothed loss over the rate (log scale), the suggestion marked. */
public final class RangeTestChart {

    private RangeTestChart() {
    }

    /**
     * @param lr the rate of every round (positive)
     * @param loss the loss of every round (finite)
     * @param smoothed the smoothed loss of every round (finite)
     * @param suggested the suggested rate
     * @return a standalone SVG document
     */
    public static String svg(double[] lr, double[] loss, double[] smoothed, double suggested) {
        XYChart c = new XYChartBuilder().width(640).height(400).title("Learning-rate range test")
                .xAxisTitle("learning rate (log scale)").yAxisTitle("training loss").build();
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setMarkerSize(3);
        if (lr.length > 0) {
            XYSeries raw = c.addSeries("loss per round", lr, loss);
            raw.setMarker(SeriesMarkers.CIRCLE);
            raw.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            XYSeries smooth = c.addSeries("smoothed loss", lr, smoothed);
            smooth.setMarker(SeriesMarkers.NONE);
            double lo = Double.MAX_VALUE;
            double hi = -Double.MAX_VALUE;
            for (double v : smoothed) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            XYSeries mark = c.addSeries("suggested rate", new double[] {suggested, suggested}, new double[] {lo, hi});
            mark.setMarker(SeriesMarkers.NONE);
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + Charts.svg(c);
    }
}
