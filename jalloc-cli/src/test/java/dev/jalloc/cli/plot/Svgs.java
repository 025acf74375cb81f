package dev.jalloc.cli.plot;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** SVG documents read back for the tests: parsed as XML (no DTD, no external entity), elements found by class. */
final class Svgs {
    private Svgs() {
    }

    /** {@return {@code svg} parsed}; throws if it is not well-formed XML */
    static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setNamespaceAware(true);
        DocumentBuilder builder = factory.newDocumentBuilder();
        builder.setErrorHandler(null);
        return builder.parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@return the elements whose class is {@code kind}, in document order} */
    static List<Element> ofClass(Document document, String kind) {
        List<Element> found = new ArrayList<>();
        NodeList all = document.getElementsByTagNameNS("*", "*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (e.getAttribute("class").equals(kind)) {
                found.add(e);
            }
        }
        return found;
    }

    /** {@return the text of every element whose class is {@code kind}} */
    static List<String> texts(Document document, String kind) {
        return ofClass(document, kind).stream().map(Element::getTextContent).toList();
    }
}
