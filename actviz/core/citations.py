"""The bibliography of the catalogue: where each function was defined, as BibTeX.

Each catalogue entry names its sources by key (``Activation.cite``), the defining one
first: the paper that introduced the function or, where a framework defined it, the
framework. Records are plain data; :func:`bibtex` prints one, :func:`reference` a short
"Authors (year)" line. ``actviz cite NAME...`` prints the records of the entries named.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping


@dataclass(frozen=True)
class Record:
    """One BibTeX record: entry type and fields, printed in the order given."""

    kind: str
    fields: tuple[tuple[str, str], ...]

    def get(self, name: str, default: str = "") -> str:
        for k, v in self.fields:
            if k == name:
                return v
        return default


def _r(kind: str, **fields: object) -> Record:
    items = []
    for k, v in fields.items():
        if k == "arxiv":
            items += [("eprint", str(v)), ("archiveprefix", "arXiv")]
        else:
            items.append((k, str(v)))
    return Record(kind, tuple(items))


BIB: dict[str, Record] = {
    # ---------------------------------------------------------------- classics
    "mcculloch1943logical": _r(
        "article", author="McCulloch, Warren S. and Pitts, Walter",
        title="A logical calculus of the ideas immanent in nervous activity",
        journal="Bulletin of Mathematical Biophysics", volume=5, number=4, pages="115--133", year=1943,
        doi="10.1007/BF02478259"),
    "rosenblatt1958perceptron": _r(
        "article", author="Rosenblatt, Frank",
        title="The perceptron: A probabilistic model for information storage and organization in the brain",
        journal="Psychological Review", volume=65, number=6, pages="386--408", year=1958, doi="10.1037/h0042519"),
    "widrow1960adaptive": _r(
        "inproceedings", author="Widrow, Bernard and Hoff, Marcian E.", title="Adaptive switching circuits",
        booktitle="IRE WESCON Convention Record, Part 4", pages="96--104", year=1960),
    "rumelhart1986learning": _r(
        "article", author="Rumelhart, David E. and Hinton, Geoffrey E. and Williams, Ronald J.",
        title="Learning representations by back-propagating errors", journal="Nature", volume=323, number=6088,
        pages="533--536", year=1986, doi="10.1038/323533a0"),
    "broomhead1988multivariable": _r(
        "article", author="Broomhead, David S. and Lowe, David",
        title="Multivariable functional interpolation and adaptive networks", journal="Complex Systems",
        volume=2, pages="321--355", year=1988),
    "bridle1990probabilistic": _r(
        "incollection", author="Bridle, John S.",
        title="Probabilistic Interpretation of Feedforward Classification Network Outputs, with Relationships "
              "to Statistical Pattern Recognition",
        booktitle="Neurocomputing: Algorithms, Architectures and Applications", series="NATO ASI Series F",
        volume=68, pages="227--236", publisher="Springer", year=1990),
    "elliott1993better": _r(
        "techreport", author="Elliott, David L.", title="A better activation function for artificial neural networks",
        institution="Institute for Systems Research, University of Maryland", number="TR 93-8", year=1993),
    "donoho1994ideal": _r(
        "article", author="Donoho, David L. and Johnstone, Iain M.",
        title="Ideal spatial adaptation by wavelet shrinkage", journal="Biometrika", volume=81, number=3,
        pages="425--455", year=1994, doi="10.1093/biomet/81.3.425"),
    "donoho1995denoising": _r(
        "article", author="Donoho, David L.", title="De-noising by soft-thresholding",
        journal="IEEE Transactions on Information Theory", volume=41, number=3, pages="613--627", year=1995,
        doi="10.1109/18.382009"),
    "williams1997computing": _r(
        "inproceedings", author="Williams, Christopher K. I.", title="Computing with Infinite Networks",
        booktitle="Advances in Neural Information Processing Systems 9", pages="295--301", year=1997),
    "lecun1998efficient": _r(
        "incollection", author="LeCun, Yann and Bottou, L{\\'e}on and Orr, Genevieve B. and M{\\\"u}ller, Klaus-Robert",
        title="Efficient BackProp", booktitle="Neural Networks: Tricks of the Trade",
        series="Lecture Notes in Computer Science", volume=1524, pages="9--50", publisher="Springer", year=1998,
        doi="10.1007/3-540-49430-8_2"),
    "dugas2001incorporating": _r(
        "inproceedings",
        author="Dugas, Charles and Bengio, Yoshua and B{\\'e}lisle, Fran{\\c{c}}ois and Nadeau, Claude and "
               "Garcia, Ren{\\'e}",
        title="Incorporating Second-Order Functional Knowledge for Better Option Pricing",
        booktitle="Advances in Neural Information Processing Systems 13", pages="472--478", year=2001),
    "jarrett2009best": _r(
        "inproceedings",
        author="Jarrett, Kevin and Kavukcuoglu, Koray and Ranzato, Marc'Aurelio and LeCun, Yann",
        title="What is the best multi-stage architecture for object recognition?",
        booktitle="IEEE 12th International Conference on Computer Vision (ICCV)", pages="2146--2153", year=2009),
    "nair2010rectified": _r(
        "inproceedings", author="Nair, Vinod and Hinton, Geoffrey E.",
        title="Rectified Linear Units Improve Restricted {Boltzmann} Machines",
        booktitle="Proceedings of the 27th International Conference on Machine Learning (ICML)",
        pages="807--814", year=2010),
    "krizhevsky2010convolutional": _r(
        "unpublished", author="Krizhevsky, Alex", title="Convolutional Deep Belief Networks on {CIFAR-10}",
        note="Unpublished manuscript, University of Toronto", year=2010),
    "collobert2011natural": _r(
        "article",
        author="Collobert, Ronan and Weston, Jason and Bottou, L{\\'e}on and Karlen, Michael and "
               "Kavukcuoglu, Koray and Kuksa, Pavel",
        title="Natural Language Processing (Almost) from Scratch", journal="Journal of Machine Learning Research",
        volume=12, pages="2493--2537", year=2011),
    "gomes2011comparison": _r(
        "article", author="Gomes, Gecynalda S. da S. and Ludermir, Teresa B. and Lima, Leyla M. M. R.",
        title="Comparison of new activation functions in neural network for forecasting financial time series",
        journal="Neural Computing and Applications", volume=20, number=3, pages="417--439", year=2011,
        doi="10.1007/s00521-010-0407-3"),
    "maas2013rectifier": _r(
        "inproceedings", author="Maas, Andrew L. and Hannun, Awni Y. and Ng, Andrew Y.",
        title="Rectifier Nonlinearities Improve Neural Network Acoustic Models",
        booktitle="ICML Workshop on Deep Learning for Audio, Speech and Language Processing", year=2013),
    "goodfellow2013maxout": _r(
        "inproceedings",
        author="Goodfellow, Ian J. and Warde-Farley, David and Mirza, Mehdi and Courville, Aaron and Bengio, Yoshua",
        title="Maxout Networks", booktitle="Proceedings of the 30th International Conference on Machine Learning (ICML)",
        pages="1319--1327", year=2013, arxiv="1302.4389"),
    "chen2014fast": _r(
        "inproceedings", author="Chen, Danqi and Manning, Christopher D.",
        title="A Fast and Accurate Dependency Parser using Neural Networks",
        booktitle="Proceedings of the 2014 Conference on Empirical Methods in Natural Language Processing (EMNLP)",
        pages="740--750", year=2014),
    "agostinelli2014learning": _r(
        "misc", author="Agostinelli, Forest and Hoffman, Matthew and Sadowski, Peter and Baldi, Pierre",
        title="Learning Activation Functions to Improve Deep Neural Networks", year=2014, arxiv="1412.6830"),
    "he2015delving": _r(
        "inproceedings", author="He, Kaiming and Zhang, Xiangyu and Ren, Shaoqing and Sun, Jian",
        title="Delving Deep into Rectifiers: Surpassing Human-Level Performance on {ImageNet} Classification",
        booktitle="Proceedings of the IEEE International Conference on Computer Vision (ICCV)",
        pages="1026--1034", year=2015, arxiv="1502.01852"),
    "xu2015empirical": _r(
        "misc", author="Xu, Bing and Wang, Naiyan and Chen, Tianqi and Li, Mu",
        title="Empirical Evaluation of Rectified Activations in Convolutional Network", year=2015,
        arxiv="1505.00853"),
    "godfrey2015continuum": _r(
        "inproceedings", author="Godfrey, Luke B. and Gashler, Michael S.",
        title="A continuum among logarithmic, linear, and exponential functions, and its potential to improve "
              "generalization in neural networks",
        booktitle="7th International Conference on Knowledge Discovery and Information Retrieval (KDIR)",
        year=2015, arxiv="1602.01321"),
    "clevert2016fast": _r(
        "inproceedings", author="Clevert, Djork-Arn{\\'e} and Unterthiner, Thomas and Hochreiter, Sepp",
        title="Fast and Accurate Deep Network Learning by Exponential Linear Units ({ELUs})",
        booktitle="International Conference on Learning Representations (ICLR)", year=2016, arxiv="1511.07289"),
    "jin2016deep": _r(
        "inproceedings",
        author="Jin, Xiaojie and Xu, Chunyan and Feng, Jiashi and Wei, Yunchao and Xiong, Junjun and Yan, Shuicheng",
        title="Deep Learning with S-shaped Rectified Linear Activation Units",
        booktitle="Proceedings of the Thirtieth AAAI Conference on Artificial Intelligence", year=2016,
        arxiv="1512.07030"),
    "shang2016understanding": _r(
        "inproceedings", author="Shang, Wenling and Sohn, Kihyuk and Almeida, Diogo and Lee, Honglak",
        title="Understanding and Improving Convolutional Neural Networks via Concatenated Rectified Linear Units",
        booktitle="Proceedings of the 33rd International Conference on Machine Learning (ICML)",
        pages="2217--2225", year=2016, arxiv="1603.05201"),
    "martins2016softmax": _r(
        "inproceedings", author="Martins, Andr{\\'e} F. T. and Astudillo, Ram{\\'o}n Fernandez",
        title="From Softmax to Sparsemax: A Sparse Model of Attention and Multi-Label Classification",
        booktitle="Proceedings of the 33rd International Conference on Machine Learning (ICML)",
        pages="1614--1623", year=2016, arxiv="1602.02068"),
    "xu2016revise": _r(
        "misc", author="Xu, Bing and Huang, Ruitong and Li, Mu", title="Revise Saturated Activation Functions",
        year=2016, arxiv="1602.05980"),
    "hendrycks2016gaussian": _r(
        "misc", author="Hendrycks, Dan and Gimpel, Kevin", title="Gaussian Error Linear Units ({GELUs})",
        year=2016, arxiv="1606.08415"),
    "sheehan2017visualising": _r(
        "misc", author="Sheehan, David", title="Visualising Activation Functions in Neural Networks", year=2017,
        howpublished="Blog post, \\url{https://dashee87.github.io}"),
    "barron2017continuously": _r(
        "misc", author="Barron, Jonathan T.", title="Continuously Differentiable Exponential Linear Units",
        year=2017, arxiv="1704.07483"),
    "klambauer2017self": _r(
        "inproceedings",
        author="Klambauer, G{\\\"u}nter and Unterthiner, Thomas and Mayr, Andreas and Hochreiter, Sepp",
        title="Self-Normalizing Neural Networks", booktitle="Advances in Neural Information Processing Systems 30",
        pages="971--980", year=2017, arxiv="1706.02515"),
    "schutt2017schnet": _r(
        "inproceedings",
        author="Sch{\\\"u}tt, Kristof T. and Kindermans, Pieter-Jan and Sauceda, Huziel E. and Chmiela, Stefan and "
               "Tkatchenko, Alexandre and M{\\\"u}ller, Klaus-Robert",
        title="{SchNet}: A continuous-filter convolutional neural network for modeling quantum interactions",
        booktitle="Advances in Neural Information Processing Systems 30", year=2017, arxiv="1706.08566"),
    "carlile2017improving": _r(
        "misc", author="Carlile, Brad and Delamarter, Guy and Kinney, Paul and Marti, Akiko and Whitney, Brian",
        title="Improving Deep Learning by Inverse Square Root Linear Units ({ISRLUs})", year=2017,
        arxiv="1710.09967"),
    "ramachandran2017searching": _r(
        "misc", author="Ramachandran, Prajit and Zoph, Barret and Le, Quoc V.", title="Searching for Activation Functions",
        year=2017, arxiv="1710.05941"),
    "trottier2017parametric": _r(
        "inproceedings", author="Trottier, Ludovic and Gigu{\\`e}re, Philippe and Chaib-draa, Brahim",
        title="Parametric Exponential Linear Unit for Deep Convolutional Neural Networks",
        booktitle="16th IEEE International Conference on Machine Learning and Applications (ICMLA)",
        pages="207--214", year=2017, arxiv="1605.09332"),
    "dauphin2017language": _r(
        "inproceedings", author="Dauphin, Yann N. and Fan, Angela and Auli, Michael and Grangier, David",
        title="Language Modeling with Gated Convolutional Networks",
        booktitle="Proceedings of the 34th International Conference on Machine Learning (ICML)",
        pages="933--941", year=2017, arxiv="1612.08083"),
    "elfwing2018sigmoid": _r(
        "article", author="Elfwing, Stefan and Uchibe, Eiji and Doya, Kenji",
        title="Sigmoid-weighted linear units for neural network function approximation in reinforcement learning",
        journal="Neural Networks", volume=107, pages="3--11", year=2018, arxiv="1702.03118"),
    "alcaide2018eswish": _r(
        "misc", author="Alcaide, Eric", title="E-swish: Adjusting Activations to Different Network Depths",
        year=2018, arxiv="1801.07145"),
    "basirat2018quest": _r(
        "misc", author="Basirat, Mina and Roth, Peter M.", title="The Quest for the Golden Activation Function",
        year=2018, arxiv="1808.00783"),
    "klimek2018neural": _r(
        "misc", author="Klimek, Matthew D. and Perelstein, Maxim",
        title="Neural Network-Based Approach to Phase Space Integration", year=2018, arxiv="1810.11509"),
    "wuraola2018sqnl": _r(
        "inproceedings", author="Wuraola, Adedamola and Patel, Nitish",
        title="{SQNL}: A New Computationally Efficient Activation Function",
        booktitle="International Joint Conference on Neural Networks (IJCNN)", year=2018),
    "eger2018time": _r(
        "inproceedings", author="Eger, Steffen and Youssef, Paul and Gurevych, Iryna",
        title="Is it Time to Swish? Comparing Deep Learning Activation Functions Across {NLP} tasks",
        booktitle="Proceedings of the 2018 Conference on Empirical Methods in Natural Language Processing (EMNLP)",
        pages="4415--4424", year=2018, arxiv="1901.02671"),
    "roy2019lisht": _r(
        "misc", author="Roy, Swalpa Kumar and Manna, Suvojit and Dubey, Shiv Ram and Chaudhuri, Bidyut Baran",
        title="{LiSHT}: Non-Parametric Linearly Scaled Hyperbolic Tangent Activation Function for Neural Networks",
        year=2019, arxiv="1901.05894"),
    "howard2019searching": _r(
        "inproceedings",
        author="Howard, Andrew and Sandler, Mark and Chu, Grace and Chen, Liang-Chieh and Chen, Bo and Tan, Mingxing "
               "and Wang, Weijun and Zhu, Yukun and Pang, Ruoming and Vasudevan, Vijay and Le, Quoc V. and Adam, Hartwig",
        title="Searching for {MobileNetV3}",
        booktitle="Proceedings of the IEEE/CVF International Conference on Computer Vision (ICCV)",
        pages="1314--1324", year=2019, arxiv="1905.02244"),
    "misra2019mish": _r(
        "misc", author="Misra, Diganta", title="Mish: A Self Regularized Non-Monotonic Activation Function",
        year=2019, arxiv="1908.08681"),
    "liu2019natural": _r(
        "misc", author="Liu, Yang and Zhang, Jianpeng and Gao, Chao and Qu, Jinghua and Ji, Lixin",
        title="Natural-Logarithm-Rectified Activation Function in Convolutional Neural Networks", year=2019,
        arxiv="1908.03682"),
    "paszke2019pytorch": _r(
        "inproceedings",
        author="Paszke, Adam and Gross, Sam and Massa, Francisco and Lerer, Adam and Bradbury, James and Chanan, "
               "Gregory and Killeen, Trevor and Lin, Zeming and Gimelshein, Natalia and Antiga, Luca and Desmaison, "
               "Alban and K{\\\"o}pf, Andreas and Yang, Edward and DeVito, Zach and Raison, Martin and Tejani, Alykhan "
               "and Chilamkurthy, Sasank and Steiner, Benoit and Fang, Lu and Bai, Junjie and Chintala, Soumith",
        title="{PyTorch}: An Imperative Style, High-Performance Deep Learning Library",
        booktitle="Advances in Neural Information Processing Systems 32", pages="8024--8035", year=2019,
        arxiv="1912.01703"),
    "chollet2015keras": _r(
        "misc", author="Chollet, Fran{\\c{c}}ois and others", title="Keras", year=2015,
        howpublished="\\url{https://keras.io}", note="Keras 3 for keras.activations as listed here"),
    "bradbury2018jax": _r(
        "misc",
        author="Bradbury, James and Frostig, Roy and Hawkins, Peter and Johnson, Matthew James and Leary, Chris and "
               "Maclaurin, Dougal and Necula, George and Paszke, Adam and VanderPlas, Jake and Wanderman-Milne, Skye "
               "and Zhang, Qiao",
        title="{JAX}: composable transformations of {Python+NumPy} programs", year=2018,
        howpublished="\\url{https://github.com/jax-ml/jax}"),
    "heek2020flax": _r(
        "misc",
        author="Heek, Jonathan and Levskaya, Anselm and Oliver, Avital and Ritter, Marvin and Rondepierre, Bertrand "
               "and Steiner, Andreas and van Zee, Marc",
        title="{Flax}: A neural network library and ecosystem for {JAX}", year=2020,
        howpublished="\\url{https://github.com/google/flax}"),
    "wolf2020transformers": _r(
        "inproceedings",
        author="Wolf, Thomas and Debut, Lysandre and Sanh, Victor and Chaumond, Julien and Delangue, Clement and "
               "Moi, Anthony and Cistac, Pierric and Rault, Tim and Louf, R{\\'e}mi and Funtowicz, Morgan and Davison, "
               "Joe and Shleifer, Sam and von Platen, Patrick and Ma, Clara and Jernite, Yacine and Plu, Julien and "
               "Xu, Canwen and Le Scao, Teven and Gugger, Sylvain and Drame, Mariama and Lhoest, Quentin and "
               "Rush, Alexander M.",
        title="Transformers: State-of-the-Art Natural Language Processing",
        booktitle="Proceedings of the 2020 Conference on Empirical Methods in Natural Language Processing: "
                  "System Demonstrations",
        pages="38--45", year=2020),
    # ---------------------------------------------------------------- 2020 on
    "shazeer2020glu": _r("misc", author="Shazeer, Noam", title="{GLU} Variants Improve Transformer", year=2020,
                         arxiv="2002.05202"),
    "zhou2020soft": _r(
        "misc", author="Zhou, Yuan and Li, Dandan and Huo, Shuwei and Kung, Sun-Yuan",
        title="Soft-Root-Sign Activation Function", year=2020, arxiv="2003.00547"),
    "liu2020tanhexp": _r(
        "misc", author="Liu, Xinyu and Di, Xiaoguang",
        title="{TanhExp}: A Smooth Activation Function with High Convergence Speed for Lightweight Neural Networks",
        year=2020, arxiv="2003.09855"),
    "ziyin2020neural": _r(
        "inproceedings", author="Ziyin, Liu and Hartwig, Tilman and Ueda, Masahito",
        title="Neural Networks Fail to Learn Periodic Functions and How to Fix It",
        booktitle="Advances in Neural Information Processing Systems 33", year=2020, arxiv="2006.08195"),
    "sitzmann2020implicit": _r(
        "inproceedings",
        author="Sitzmann, Vincent and Martel, Julien N. P. and Bergman, Alexander W. and Lindell, David B. and "
               "Wetzstein, Gordon",
        title="Implicit Neural Representations with Periodic Activation Functions",
        booktitle="Advances in Neural Information Processing Systems 33", year=2020, arxiv="2006.09661"),
    "shamir2020smooth": _r(
        "misc", author="Shamir, Gil I. and Lin, Dong and Coviello, Lorenzo",
        title="Smooth activations and reproducibility in deep networks", year=2020, arxiv="2010.09931"),
    "blondel2020learning": _r(
        "article", author="Blondel, Mathieu and Martins, Andr{\\'e} F. T. and Niculae, Vlad",
        title="Learning with {Fenchel-Young} Losses", journal="Journal of Machine Learning Research", volume=21,
        number=35, pages="1--69", year=2020, arxiv="1901.02324"),
    "radford2021learning": _r(
        "inproceedings",
        author="Radford, Alec and Kim, Jong Wook and Hallacy, Chris and Ramesh, Aditya and Goh, Gabriel and Agarwal, "
               "Sandhini and Sastry, Girish and Askell, Amanda and Mishkin, Pamela and Clark, Jack and Krueger, "
               "Gretchen and Sutskever, Ilya",
        title="Learning Transferable Visual Models From Natural Language Supervision",
        booktitle="Proceedings of the 38th International Conference on Machine Learning (ICML)",
        pages="8748--8763", year=2021, arxiv="2103.00020"),
    "zhu2021logish": _r(
        "article", author="Zhu, Hegui and Zeng, Huimin and Liu, Jinhai and Zhang, Xiangde",
        title="Logish: A new nonlinear nonmonotonic activation function for convolutional neural network",
        journal="Neurocomputing", volume=458, pages="490--499", year=2021),
    "wuraola2021efficient": _r(
        "article", author="Wuraola, Adedamola and Patel, Nitish and Nguang, Sing Kiong",
        title="Efficient activation functions for embedded inference engines", journal="Neurocomputing",
        volume=442, pages="73--88", year=2021, doi="10.1016/j.neucom.2021.02.030"),
    "nag2021serf": _r(
        "misc", author="Nag, Sayan and Bhattacharyya, Mayukh and Mukherjee, Anuraag and Kundu, Rohit",
        title="{SERF}: Towards better training of deep neural networks using log-Softplus ERror activation Function",
        year=2021, arxiv="2108.09598"),
    "noel2021growing": _r(
        "misc", author="Noel, Mathew Mithra and Arunkumar, L. and Trivedi, Advait and Dutta, Praneet",
        title="Growing Cosine Unit: A Novel Oscillatory Activation Function That Can Speedup Training and Reduce "
              "Parameters in Convolutional Neural Networks",
        year=2021, arxiv="2108.12943"),
    "so2021primer": _r(
        "inproceedings",
        author="So, David R. and Ma{\\'n}ke, Wojciech and Liu, Hanxiao and Dai, Zihang and Shazeer, Noam and Le, Quoc V.",
        title="Primer: Searching for Efficient Transformers for Language Modeling",
        booktitle="Advances in Neural Information Processing Systems 34", year=2021, arxiv="2109.08668"),
    "barron2021squareplus": _r(
        "misc", author="Barron, Jonathan T.", title="Squareplus: A Softplus-Like Algebraic Rectifier", year=2021,
        arxiv="2112.11687"),
    "paul2022sinlu": _r(
        "article", author="Paul, Ashis and Bandyopadhyay, Rajarshi and Yoon, Jin Hee and Geem, Zong Woo and Sarkar, Ram",
        title="{SinLU}: Sinu-Sigmoidal Linear Unit", journal="Mathematics", volume=10, number=3, pages="337",
        year=2022, doi="10.3390/math10030337"),
    "wang2022smish": _r(
        "article", author="Wang, Xueliang and Ren, Honge and Wang, Achuan",
        title="Smish: A Novel Activation Function for Deep Learning Methods", journal="Electronics", volume=11,
        number=4, pages="540", year=2022, doi="10.3390/electronics11040540"),
    "lee2022bigvgan": _r(
        "inproceedings", author="Lee, Sang-gil and Ping, Wei and Ginsburg, Boris and Catanzaro, Bryan and Yoon, Sungroh",
        title="{BigVGAN}: A Universal Neural Vocoder with Large-Scale Training",
        booktitle="International Conference on Learning Representations (ICLR)", year=2023, arxiv="2206.04658"),
    "ma2022mega": _r(
        "inproceedings",
        author="Ma, Xuezhe and Zhou, Chunting and Kong, Xiang and He, Junxian and Gui, Liangke and Neubig, Graham "
               "and May, Jonathan and Zettlemoyer, Luke",
        title="Mega: Moving Average Equipped Gated Attention",
        booktitle="International Conference on Learning Representations (ICLR)", year=2023, arxiv="2209.10655"),
    "yu2022metaformer": _r(
        "misc",
        author="Yu, Weihao and Si, Chenyang and Zhou, Pan and Luo, Mi and Zhou, Yichen and Feng, Jiashi and "
               "Yan, Shuicheng and Wang, Xinchao",
        title="{MetaFormer} Baselines for Vision", year=2022, arxiv="2210.13452"),
    "gemma2024gemma": _r(
        "misc", author="{Gemma Team}", title="Gemma: Open Models Based on {Gemini} Research and Technology",
        year=2024, arxiv="2403.08295"),
    "huang2024deriving": _r(
        "misc", author="Huang, Allen Hao and Schlag, Imanol", title="Deriving Activation Functions Using Integration",
        year=2024, arxiv="2411.13010"),
    "openai2025gptoss": _r(
        "misc", author="{OpenAI}", title="gpt-oss-120b \\& gpt-oss-20b Model Card", year=2025, arxiv="2508.10925"),
}
"""Every record, by citation key (author, year, first word of the title)."""

FRAMEWORK_CITES: Mapping[str, str] = {"torch": "paszke2019pytorch", "keras": "chollet2015keras",
                                      "jax": "bradbury2018jax", "flax": "heek2020flax", "hf": "wolf2020transformers"}
"""The record to cite for each framework's own definitions."""


def bibtex(key: str) -> str:
    """The BibTeX text of one record."""
    rec = BIB[key]
    width = max(len(k) for k, _ in rec.fields)
    lines = [f"@{rec.kind}{{{key},"]
    lines += [f"  {k.ljust(width)} = {{{v}}}," for k, v in rec.fields]
    lines[-1] = lines[-1].rstrip(",")
    return "\n".join(lines) + "\n}\n"


def _surname(author: str) -> str:
    name = author.strip()
    if name.startswith("{") and name.endswith("}"):
        return name[1:-1]
    return _plain(name.split(",")[0].strip())


def _plain(text: str) -> str:
    """BibTeX markup to plain text: accents and braces dropped (M{\\"u}ller -> Muller is not wanted,
    so the accent commands are mapped to the letters they decorate)."""
    import re

    accents = {'\\"u': "ü", '\\"o': "ö", "\\'e": "é", "\\'o": "ó", "\\`e": "è", "\\'n": "ń", "\\c{c}": "ç"}
    for tex, char in accents.items():
        text = text.replace("{" + tex + "}", char).replace(tex, char)
    text = text.replace("\\&", "&")
    text = re.sub(r"\\url\{([^}]*)\}", r"\1", text)
    return text.replace("{", "").replace("}", "")


def reference(key: str) -> str:
    """A short plain-text reference: ``Hendrycks and Gimpel (2016), Gaussian Error Linear Units (GELUs)``."""
    rec = BIB[key]
    names = [_surname(a) for a in rec.get("author").split(" and ")]
    names = [n for n in names if n != "others"]
    who = names[0] if len(names) == 1 else (f"{names[0]} and {names[1]}" if len(names) == 2 else f"{names[0]} et al.")
    return f"{who} ({rec.get('year')}), {_plain(rec.get('title'))}"


def year(key: str) -> int:
    return int(BIB[key].get("year"))
